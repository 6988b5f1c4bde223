import { pino } from 'pino';
import { createPrescriptionService, createWorkerPool } from '@shamba/analytics';
import type { Field, Prescription, StoredReading } from '@shamba/schemas';
import { coopFixture, stationReadings, weatherStationFixture } from '@shamba/schemas/testing';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { COOP, seedCoop, seedDevice, testField } from './seed.js';

// The cooperative tests/src/coop-export.e2e.test.ts exports and imports, and its helpers.

const EAT = 180; // Africa/Addis_Ababa, UTC+3
export const OTHER = 'coop-other';

const rect = (west: number, east: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [west, 7.93],
      [east, 7.93],
      [east, 7.931],
      [west, 7.931],
      [west, 7.93],
    ] as [number, number][],
  ],
});

const ZONED: Field = {
  ...testField('field-1', 'f'),
  areaHa: 2.4,
  boundary: rect(38.72, 38.722),
  zones: [
    { id: 'zone-a', name: 'West', boundary: rect(38.72, 38.721), areaHa: 1.2 },
    { id: 'zone-b', name: 'East', boundary: rect(38.721, 38.722), areaHa: 1.2 },
  ],
};

/** A demo-like cooperative: two fields (one zoned), a station, a probe, a parameter set. */
export async function seedExportBox(registry: Registry, store: TimeSeriesStore): Promise<number> {
  await seedCoop(registry);
  await registry.fields.upsert(ZONED);
  await registry.fields.upsert({ ...testField('field-2', 'f'), boundary: rect(38.73, 38.731) });
  await registry.devices.upsert(weatherStationFixture({ id: 'wx', coopId: COOP }));
  await seedDevice(registry, 'probe-1', 'field-1');
  await registry.parameterSets.add(
    COOP,
    { note: 'extension bulletin 12', crops: {} },
    { author: 'agronomist', atMs: Date.UTC(2026, 6, 1) },
  );
  // Recorded N changes the N prescription (its "N applied" step): the import must carry it.
  await registry.fertiliserApplications.add({
    fieldId: 'field-1',
    coopId: COOP,
    date: '2026-08-01',
    product: 'urea',
    amount: 100,
    unit: 'kg-product-ha',
    nKgHa: 46,
    recordedBy: { name: 'manager', role: 'manager' },
    recordedAtMs: Date.UTC(2026, 7, 1),
  });
  // A message sent and a reply received: the export carries both.
  await registry.messages.enqueue({
    id: 'msg-1',
    coopId: COOP,
    farmerId: 'f',
    channel: 'sms',
    to: '+251911000001',
    purpose: 'reply',
    fieldId: null,
    prescriptionId: null,
    prescriptionKind: null,
    dedupeKey: 'reply:in-1',
    text: 'Galatoomaa',
    language: 'om',
    encoding: 'GSM-7',
    segments: 1,
    state: 'delivered',
    attempts: 1,
    notBeforeMs: Date.UTC(2026, 7, 10),
    createdMs: Date.UTC(2026, 7, 10),
    sentMs: Date.UTC(2026, 7, 10),
    deliveredMs: Date.UTC(2026, 7, 10, 0, 1),
    gateway: 'outbox',
    gatewayIds: ['g-1'],
    error: null,
  });
  await registry.inbound.add({
    id: 'in-1',
    from: '+251911000001',
    text: 'DONE',
    receivedMs: Date.UTC(2026, 7, 10),
    coopId: COOP,
    farmerId: 'f',
    command: 'done',
    outcome: 'recorded',
  });
  const station = stationReadings(['2026-08-09', '2026-08-10', '2026-08-11'], {
    coopId: COOP,
    deviceId: 'wx',
    utcOffsetMinutes: EAT,
  });
  const soil: StoredReading[] = station
    .filter((_, i) => i % 4 === 0)
    .map((r, i) => ({
      deviceId: 'probe-1',
      stream: 'soil',
      timeMs: r.timeMs,
      seq: i,
      values: { vwc10: 0.2, vwc30: 0.22, soilTempC: 21.5 },
      coopId: COOP,
      fieldId: 'field-1',
      zoneId: 'zone-a',
      receivedMs: r.timeMs + 900,
    }));
  await store.write([...station, ...soil]);
  // Another cooperative on the same box: none of it may appear in the export.
  await registry.coops.upsert(coopFixture({ id: OTHER, name: 'Other' }));
  await registry.farmers.upsert({
    id: 'farmer-other',
    coopId: OTHER,
    name: 'Other',
    phone: '+251911999999',
    language: 'am',
  });
  await registry.fields.upsert({
    ...testField('field-other', 'farmer-other'),
    coopId: OTHER,
    boundary: rect(38.8, 38.801),
  });
  await registry.devices.upsert(weatherStationFixture({ id: 'wx-other', coopId: OTHER }));
  await store.write(
    stationReadings(['2026-08-11'], { coopId: OTHER, deviceId: 'wx-other', utcOffsetMinutes: EAT }),
  );
  return station.at(-1)!.timeMs;
}

/**
 * The prescription pass on a box's stores at `nowMs`: `runOnce`, or with `recompute` every one
 * of the cooperative's fields made again whatever is stored (new versions numbered from 1).
 */
export async function prescriptionPass(
  { registry, store }: { registry: Registry; store: TimeSeriesStore },
  nowMs: number,
  recompute?: readonly string[],
) {
  let n = 0;
  await using pool = await createWorkerPool({ size: 0 });
  await using service = createPrescriptionService({
    registry,
    store,
    pool,
    logger: pino({ level: 'silent' }),
    clock: () => nowMs,
    uniqueId: () => `v${++n}`,
  });
  if (recompute === undefined) return service.runOnce();
  const made = [];
  for (const fieldId of recompute) made.push(...(await service.recompute(fieldId, 'exported')));
  return made;
}

/** Every reading of the cooperative on a box. */
export async function readingsOf(store: TimeSeriesStore, nowMs: number): Promise<StoredReading[]> {
  const all: StoredReading[] = [];
  for (const stream of ['soil', 'weather', 'gnss', 'status'] as const)
    for await (const page of store.scan({ coopId: COOP, stream, fromMs: 0, toMs: nowMs * 2 }))
      all.push(...page);
  return all;
}

export async function storedPrescriptions(registry: Registry): Promise<Prescription[]> {
  const all = [];
  for (const field of await registry.fields.list({ coopId: COOP }))
    all.push(...(await registry.prescriptions.history(field.id, { limit: 100 })));
  return all;
}

/** A prescription without what names this very computation (its id and revision links). */
export const advice = ({
  id: _id,
  revision: _revision,
  ...rest
}: Prescription & { revision?: unknown }) => rest;
