import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import type { Prescription } from '@shamba/schemas';
import { type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createWorkerPool, type WorkerPool } from '../worker/worker-pool.js';
import { createPrescriptionService } from './prescription-service.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
const COOP = 'coop-a';

describe('prescription pass', () => {
  let stores: TempStores;
  let registry: Registry;
  let store: TimeSeriesStore;
  let pool: WorkerPool;

  beforeEach(async () => {
    stores = await openTempStores('shamba-rx-');
    ({ registry, store } = stores);
    pool = await createWorkerPool({ size: 0 });
  });
  afterEach(async () => {
    await pool.close();
    await stores.close();
  });

  /** A cooperative station with three complete dry days, and one maize field sown before them. */
  async function seed(): Promise<number> {
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.devices.upsert(weatherStationFixture({ coopId: COOP }));
    await registry.fields.upsert(fieldFixture({ coopId: COOP, plantingDate: '2026-07-01' }));
    const readings = stationReadings(['2026-08-10', '2026-08-11', '2026-08-12'], {
      coopId: COOP,
      utcOffsetMinutes: EAT,
    });
    await store.write(readings);
    return readings.at(-1)!.timeMs;
  }

  it('makes both kinds, and a second kind never hides the first', async () => {
    const asOfMs = await seed();
    const service = createPrescriptionService({
      registry,
      store,
      pool,
      logger: pino({ level: 'silent' }),
      clock: () => asOfMs + 60_000,
    });
    const made = await service.runOnce();
    expect(made.map((p) => [p.fieldId, p.kind, p.provenance.rule.name, p.asOfMs])).toEqual([
      ['field-1', 'irrigation', 'fao56-water-balance', asOfMs],
      ['field-1', 'nitrogen', 'osu-sbnrc-nitrogen', asOfMs],
    ]);
    const [irrigation, nitrogen] = made;
    expect(service.status().lastError).toBeNull();

    // Both were made in the same pass at the same time; the nitrogen one was stored last, so it
    // is the field's newest of any kind, yet the irrigation one is still there by its kind.
    expect(await registry.prescriptions.latest('field-1')).toEqual(nitrogen);
    expect(await registry.prescriptions.latest('field-1', 'irrigation')).toEqual(irrigation);
    expect(await registry.prescriptions.latest('field-1', 'nitrogen')).toEqual(nitrogen);
    expect(await registry.prescriptions.latestByKind('field-1')).toEqual({ irrigation, nitrogen });

    // Nothing new: both stay current, nothing is made again, and both kinds are still served.
    expect(await service.runOnce()).toEqual([]);
    expect(await registry.prescriptions.latestByKind('field-1')).toEqual({ irrigation, nitrogen });
    const stages = service.status().lastStagesMs;
    expect(Object.keys(stages).sort()).toEqual(['compute', 'query', 'store', 'weather']);
    expect(stages.query).toBeGreaterThan(0);
    expect(stages.compute).toBe(0);
    await service.close();
  });

  const silentService = (clock: () => number) =>
    createPrescriptionService({
      registry,
      store,
      pool,
      logger: pino({ level: 'silent' }),
      clock,
    });
  const reasonsOf = (made: readonly Prescription[]) =>
    made.map((p) => [p.kind, p.revision?.reasons]);

  it('forgets the reasons asked for a field that had no readings: they do not pile up', async () => {
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.fields.upsert(fieldFixture({ coopId: COOP, plantingDate: '2026-07-01' }));
    const readings = stationReadings(['2026-08-10', '2026-08-11', '2026-08-12'], {
      coopId: COOP,
      utcOffsetMinutes: EAT,
    });
    await using service = silentService(() => readings.at(-1)!.timeMs + 60_000);
    // No station yet: nothing to make, and each request's reason is dropped with the pass.
    expect(await service.recompute('field-1', 'zones applied')).toEqual([]);
    expect(await service.recompute('field-1', 'zones applied')).toEqual([]);
    await registry.devices.upsert(weatherStationFixture({ coopId: COOP }));
    await store.write(readings);
    expect(reasonsOf(await service.runOnce())).toEqual([
      ['irrigation', ['first irrigation prescription of the field']],
      ['nitrogen', ['first nitrogen prescription of the field']],
    ]);
  });

  it('names a reason once however often it was asked for before the pass', async () => {
    const asOfMs = await seed();
    await using service = silentService(() => asOfMs + 60_000);
    await service.runOnce();
    const [a, b] = await Promise.all([
      service.recompute('field-1', 'fertiliser application recorded'),
      service.recompute('field-1', 'fertiliser application recorded'),
    ]);
    // One pass for both: the same versions, with the reason once.
    expect(b).toEqual(a);
    expect(reasonsOf(a)).toEqual([
      ['irrigation', ['fertiliser application recorded']],
      ['nitrogen', ['fertiliser application recorded']],
    ]);
  });

  it('marks a field stale and returns; one background pass takes a burst of marks', async () => {
    const asOfMs = await seed();
    await using service = silentService(() => asOfMs + 60_000);
    await service.runOnce();
    const runs = service.status().runs;
    for (let i = 0; i < 50; i++) service.markStale('field-1', 'fertiliser application recorded');
    expect(service.status().runs).toBe(runs); // nothing ran yet: the marks returned at once
    await service.close(); // waits for the background pass
    expect(service.status().runs).toBe(runs + 1);
    const latest = await registry.prescriptions.latestByKind('field-1');
    expect([latest.irrigation?.revision, latest.nitrogen?.revision]).toEqual([
      {
        number: 2,
        previousId: expect.any(String) as string,
        reasons: ['fertiliser application recorded'],
        changes: [],
      },
      {
        number: 2,
        previousId: expect.any(String) as string,
        reasons: ['fertiliser application recorded'],
        changes: [],
      },
    ]);
  });
});
