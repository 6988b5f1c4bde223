import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  composeBeidouNotice,
  createBeidouGateway,
  createDeliveryService,
  type DeliveryService,
} from '@shamba/delivery';
import { OROMIA_COOP } from '@shamba/delivery/testing';
import {
  createFarmerTerminal,
  createShortMessageNetwork,
  createTerminal,
  type FarmerTerminal,
} from '@shamba/firmware-sim';
import {
  IrrigationPrescriptionSchema,
  prescriptionRef,
  type Farmer,
  type Field,
  type IrrigationPrescription,
} from '@shamba/schemas';
import { openTempStores, type TempStores } from '@shamba/storage/testing';

// Issue 16, "BeiDou short message, where there is no mast": a prescription stored in the
// registry reaches a farmer's BeiDou terminal through the cooperative's card, end to end.

const MORNING = Date.parse('2026-12-03T06:00:00Z'); // 09:00 in Addis Ababa: not quiet hours
const COOP_CARD = '0400001';
const FARM_CARD = '0455501';
const AREA = {
  type: 'Polygon' as const,
  coordinates: [
    [
      [38.1, 8.9],
      [38.2, 8.9],
      [38.2, 9],
      [38.1, 8.9],
    ] as [number, number][],
  ],
};
const FARMER: Farmer = {
  id: 'farmer-chaltu',
  coopId: 'coop-oromia',
  name: 'Chaltu Bekele',
  phone: '+251911234599',
  language: 'om',
  channel: 'beidou',
  beidouCardId: FARM_CARD,
  consent: { state: 'opted-in', at: '2026-06-01T06:00:00.000Z', source: 'seed' },
};
const FIELD: Field = {
  id: 'field-chaltu-teff',
  coopId: 'coop-oromia',
  farmerId: FARMER.id,
  name: 'Chaltu teff',
  crop: 'maize',
  plantingDate: '2026-09-01',
  areaHa: 0.1,
  boundary: AREA,
  soil: { texture: 'loam', fieldCapacity: 0.3, wiltingPoint: 0.12 },
  rootDepthM: 1,
  irrigationMethod: 'furrow',
  pumpFlowM3h: 30,
};

/** An irrigation prescription as the FAO-56 water-balance rule stores it, one zone. */
function prescription(id: string, revision: number, grossDepthMm: number): IrrigationPrescription {
  const volumeM3 = grossDepthMm * 10 * FIELD.areaHa; // 1 mm on 1 ha is 10 m3
  const units = { amount: (volumeM3 / 30) * 60, unit: 'pump-minutes' as const }; // 30 m3/h pump
  return IrrigationPrescriptionSchema.parse({
    id,
    kind: 'irrigation',
    fieldId: FIELD.id,
    coopId: FIELD.coopId,
    createdAtMs: MORNING,
    asOfMs: MORNING,
    summary: `irrigate ${grossDepthMm} mm`,
    parameters: {},
    provenance: {
      rule: { name: 'fao56-water-balance', version: '1.0.0' },
      parameterSet: 'built-in',
      sceneId: null,
      forecastIssuedAt: null,
    },
    inputs: { fromMs: 0, toMs: MORNING, readingCount: 12, deviceIds: ['probe-1'] },
    steps: [],
    revision: {
      number: revision,
      previousId: revision === 1 ? null : 'rx-1',
      reasons: [revision === 1 ? 'first' : 'new readings'],
      changes: [],
    },
    action: 'irrigate',
    netDepthMm: grossDepthMm * 0.6,
    grossDepthMm,
    volumeM3,
    method: 'furrow',
    units,
    pumpMinutes: units.amount,
    urgency: 'by-date',
    zones: [
      {
        zoneId: 'whole',
        areaHa: FIELD.areaHa,
        action: 'irrigate',
        reason: 'depletion-reaches-raw',
        netDepthMm: grossDepthMm * 0.6,
        grossDepthMm,
        volumeM3,
        litres: volumeM3 * 1000,
        pumpMinutes: units.amount,
        irrigateBy: '2026-12-04',
        drMm: 14,
        rawMm: 15,
        tawMm: 30,
        drSource: 'sensor',
        urgency: 'by-date',
        daysBeforeStress: 1,
        expectedLossPctPerDayLate: 0.5,
        units,
        summary: '',
        steps: [],
      },
    ],
  });
}

const overTheAir = () => new Promise((resolve) => setTimeout(resolve, 0));
const refOf = (id: string) => prescriptionRef(id).toString(16).toUpperCase().padStart(8, '0');

describe('prescription advice by BeiDou short message', () => {
  let stores: TempStores;
  let delivery: DeliveryService;
  let farm: FarmerTerminal;
  let now = MORNING;

  beforeEach(async () => {
    now = MORNING;
    stores = await openTempStores('shamba-beidou-e2e-');
    const { registry } = stores;
    await registry.coops.upsert(OROMIA_COOP);
    await registry.farmers.upsert(FARMER);
    await registry.fields.upsert(FIELD);
    const network = createShortMessageNetwork();
    const office = createTerminal({ cardId: COOP_CARD, network });
    farm = createFarmerTerminal({ network, cardId: FARM_CARD, fieldNames: { 1: FIELD.name } });
    const logger = pino({ level: 'silent' });
    delivery = await createDeliveryService({
      registry,
      store: stores.store,
      logger,
      clock: () => now,
      beidou: createBeidouGateway({
        // The cooperative card's serial line: the terminal answers each $CCTXA with a $BDFKI.
        serial: { write: async (line) => office.write(line, now) },
        logger,
        clock: () => now,
      }),
      composeBeidou: composeBeidouNotice(registry),
    });
  });
  afterEach(async () => {
    await delivery.close();
    await stores.close();
  });

  it("shows the stored prescription in full on the farmer's terminal; the card's 60 s defers the next", async () => {
    await stores.registry.prescriptions.add(prescription('rx-1', 1, 24.6));
    expect(await delivery.scanPrescriptions()).toBe(1);
    expect(await delivery.runOnce()).toEqual({ sent: 1, deferred: 0, held: 0, failed: 0 });
    await overTheAir();
    expect(farm.refused).toEqual([]);
    expect(farm.screens.map((s) => [s.fromCard, s.lines])).toEqual([
      [
        COOP_CARD,
        [
          'Field 1: Chaltu teff',
          'IRRIGATE 25 mm of water', // 24.6 mm gross, whole mm as in the SMS
          '= 50 minutes of pumping', // 24.6 m3 at 30 m3/h: 49.2 min, to 5 minutes
          'by Fri, 4 Dec 2026',
          `Advice v1 #${refOf('rx-1')}`,
        ],
      ],
    ]);
    const [first] = await stores.registry.messages.list({ coopId: 'coop-oromia' });
    expect(first).toMatchObject({
      channel: 'beidou',
      to: FARM_CARD,
      prescriptionId: 'rx-1',
      encoding: 'binary',
      segments: 1,
      state: 'sent',
      gateway: 'beidou',
      gatewayIds: [`bd-${first!.id}`],
      attempts: 1,
      error: null,
    });

    // A new version 40 % larger, 20 s later: the card may not send yet, so it waits, not fails.
    now = MORNING + 20_000;
    await stores.registry.prescriptions.add(prescription('rx-2', 2, 34.4));
    expect(await delivery.scanPrescriptions()).toBe(1);
    expect(await delivery.runOnce()).toEqual({ sent: 0, deferred: 1, held: 0, failed: 0 });
    const second = (await stores.registry.messages.list({ coopId: 'coop-oromia' })).find(
      (m) => m.prescriptionId === 'rx-2',
    );
    expect(second).toMatchObject({ state: 'queued', attempts: 1, gateway: null });
    expect(second!.error).toBe(
      "BeiDou: the card's service interval has not passed; wait 40 s (until 2026-12-03T06:01:00.000Z)",
    );
    await overTheAir();
    expect(farm.screens).toHaveLength(1);

    // Once its retry is due and the interval has passed, it goes.
    now = second!.notBeforeMs + 60_000;
    expect(await delivery.runOnce()).toEqual({ sent: 1, deferred: 0, held: 0, failed: 0 });
    await overTheAir();
    expect(farm.screens[1]?.lines).toEqual([
      'Field 1: Chaltu teff',
      'IRRIGATE 34 mm of water',
      '= 70 minutes of pumping', // 34.4 m3 at 30 m3/h: 68.8 min, to 5 minutes
      'by Fri, 4 Dec 2026',
      `Advice v2 #${refOf('rx-2')}`,
    ]);
    expect(await stores.registry.messages.get(second!.id)).toMatchObject({
      state: 'sent',
      gateway: 'beidou',
      attempts: 2,
    });
  });
});
