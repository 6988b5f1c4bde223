import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Principal } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest } from '@shamba/storage';
import { createApp } from '../app.js';

const TOKENS: Record<string, Principal> = {
  admin: { role: 'admin', coopId: null, farmerId: null, name: 'Admin' },
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
};

describe('GET /v1/programme', () => {
  let stores: TempStores;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-programme-');
    const { registry } = stores;
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture({ id: 'coop-a', countryCode: 'ET' }));
    for (let i = 0; i < 6; i++)
      await registry.fields.upsert(
        fieldFixture({ id: `m-${i}`, coopId: 'coop-a', farmerId: `fm-${i}`, crop: 'maize' }),
      );
    // One farmer growing teff on two fields: one farm, withheld however many fields.
    for (let i = 0; i < 2; i++)
      await registry.fields.upsert(
        fieldFixture({ id: `t-${i}`, coopId: 'coop-a', farmerId: 'ft-1', crop: 'teff' }),
      );
    // A second small cell, so the two withheld ones cannot be told apart from a country total.
    await registry.fields.upsert(
      fieldFixture({ id: 's-0', coopId: 'coop-a', farmerId: 'fs-1', crop: 'sorghum' }),
    );
    app = createApp({ registry, store: stores.store, health: async () => ({}) });
  });
  afterAll(async () => stores.close());

  it('gives admins the cells over five farms or more, and nobody else anything', async () => {
    const res = await app.request('/v1/programme', { headers: { authorization: 'Bearer admin' } });
    const view = (await res.json()) as { cells: { crop: string; farms: number }[] };
    expect([res.status, view.cells.map((c) => [c.crop, c.farms])]).toEqual([200, [['maize', 6]]]);
    expect(JSON.stringify(view)).not.toMatch(/fm-|ft-1|fs-1|m-0/);
    expect(view).toMatchObject({ withheldCells: 2, minFarmsPerCell: 5 });
    const manager = await app.request('/v1/programme', {
      headers: { authorization: 'Bearer manager-a' },
    });
    expect(manager.status).toBe(403);
  });
});
