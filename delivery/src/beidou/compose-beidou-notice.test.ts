import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFarmerAdvice, prescriptionRef, type Farmer } from '@shamba/schemas';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { MAIZE_FIELD, OROMIA_COOP, irrigation } from '../testing/prescription-fixtures.js';
import { composeBeidouNotice } from './compose-beidou-notice.js';

const FARMER: Farmer = {
  id: 'farmer-tolosa',
  coopId: 'coop-oromia',
  name: 'Tolosa Gemechu',
  phone: '+251911234501',
  language: 'om',
  channel: 'beidou',
  beidouCardId: '0455501',
  consent: { state: 'opted-in', at: '2026-06-01T06:00:00.000Z', source: 'seed' },
};
// Sorts before MAIZE_FIELD's id: the maize is the farmer's field number 2.
const BEANS = { ...MAIZE_FIELD, id: 'field-tolosa-beans', name: 'Tolosa beans', crop: 'beans' };

describe('composeBeidouNotice', () => {
  let stores: TempStores;
  beforeEach(async () => {
    stores = await openTempStores('shamba-bd-compose-');
    await stores.registry.coops.upsert(OROMIA_COOP);
    await stores.registry.farmers.upsert(FARMER);
    await stores.registry.fields.upsert(MAIZE_FIELD);
    await stores.registry.fields.upsert(BEANS);
  });
  afterEach(() => stores.close());

  it("encodes the advice with the field's number in the farmer's list, one binary message", async () => {
    const compose = composeBeidouNotice(stores.registry);
    const { payloadBase64, ...notice } = await compose({
      prescription: irrigation(),
      field: MAIZE_FIELD,
      farmer: FARMER,
      channel: 'beidou',
    });
    const ref = prescriptionRef('p-irrigation');
    expect(notice).toEqual({
      text: `Field 2 Tolosa maize: irrigate 19 mm (585 pump-minutes) by 2026-12-03 [v0 #${ref.toString(16).toUpperCase().padStart(8, '0')}]`,
      language: 'en',
      encoding: 'binary',
      segments: 1,
    });
    const bytes = Uint8Array.from(Buffer.from(payloadBase64 ?? '', 'base64'));
    expect(bytes).toHaveLength(19);
    expect(decodeFarmerAdvice(bytes)).toEqual({
      kind: 'irrigation',
      decision: 'irrigate',
      fieldNumber: 2,
      amountMm: 19,
      supply: { amount: 585, unit: 'pump-minutes' },
      dueDate: '2026-12-03',
      revision: 0,
      prescriptionRef: ref,
    });
  });
});
