import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { addDays, localDate } from '@shamba/agronomy';
import { createPrescriptionService, type WorkerPool } from '@shamba/analytics';
import { DAY_MS, type IrrigationPrescription, type StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, fieldFixture } from '@shamba/schemas/testing';
import { COOP, seedCoop, seedStation, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

const EAT = 180;
/** The cooperative's pattern: greener plots hold more water. Depletion as a share of TAW. */
const shareFor = (ndvi: number) => 1 - ndvi;

// Six plots have probes, two do not, and the weather station went up long after sowing, so the
// balance cannot carry the two from sowing: their soil water must come from the fusion model
// fitted (in an analytics worker, TF.js) on the probed plots and the scene.
describe('soil-water fusion in the prescription pass', () => {
  it('gives unprobed plots a depletion, with its uncertainty, from the probed ones', async () => {
    using dir = tempDir();
    await using shamba = await startShamba(dir.path);
    const { registry, store } = shamba;
    const now = Math.floor(Date.now() / 900_000) * 900_000;
    const today = localDate(now, EAT);
    const sowing = addDays(today, -90);
    await seedCoop(registry);
    const week = addDays(today, -7);
    await seedStation(shamba, { from: week, days: 7 }, () => DRY_SEASON_DAY);
    const readings: StoredReading[] = [];
    const plots = [
      { id: 'p-1', ndvi: 0.2, probe: true },
      { id: 'p-2', ndvi: 0.32, probe: true },
      { id: 'p-3', ndvi: 0.44, probe: true },
      { id: 'p-4', ndvi: 0.56, probe: true },
      { id: 'p-5', ndvi: 0.68, probe: true },
      { id: 'p-6', ndvi: 0.8, probe: true },
      { id: 'dry-unprobed', ndvi: 0.25, probe: false },
      { id: 'wet-unprobed', ndvi: 0.75, probe: false },
    ];
    const sceneMs = now - 2 * DAY_MS;
    const perField = [];
    for (const p of plots) {
      const field = fieldFixture({
        id: p.id,
        coopId: COOP,
        farmerId: 'f',
        plantingDate: sowing,
        elevationM: 1640,
      });
      await registry.fields.upsert(field);
      const { fieldCapacity: fc, wiltingPoint: wp } = field.soil;
      if (p.probe) {
        await registry.devices.upsert({
          id: `probe-${p.id}`,
          coopId: COOP,
          fieldId: p.id,
          zoneId: null,
          kind: 'soil-probe',
          secretHash: 'x',
        });
        const theta = fc - shareFor(p.ndvi) * (fc - wp);
        readings.push({
          deviceId: `probe-${p.id}`,
          stream: 'soil',
          timeMs: now - 900_000,
          seq: 1,
          values: { vwc10: theta, vwc30: theta, vwc60: theta },
          coopId: COOP,
          fieldId: p.id,
          zoneId: null,
          receivedMs: now,
        });
      }
      perField.push({
        sceneId: 'S2-f',
        ownerCoopId: null,
        fieldId: p.id,
        acquiredMs: sceneMs,
        indices: {
          status: 'ok' as const,
          validFraction: 1,
          pixelCount: 30,
          ndvi: { mean: p.ndvi, sd: 0.02, p10: p.ndvi, p50: p.ndvi, p90: p.ndvi },
          ndmi: null,
        },
      });
    }
    await store.write(readings);
    await registry.scenes.add(
      {
        id: 'S2-f',
        ownerCoopId: null,
        acquiredMs: sceneMs,
        itemPath: 'x',
        cloudCoverPct: 0,
        processedMs: sceneMs,
      },
      perField,
    );

    const made = (await shamba.prescriptions.runOnce()).filter(
      (p): p is IrrigationPrescription => p.kind === 'irrigation',
    );
    expect(made).toHaveLength(plots.length);
    const zoneOf = (id: string) => made.find((p) => p.fieldId === id)!.zones![0]!;
    for (const p of plots.filter((q) => q.probe)) expect(zoneOf(p.id).drSource).toBe('sensor');
    for (const [id, ndvi] of [
      ['dry-unprobed', 0.25],
      ['wet-unprobed', 0.75],
    ] as const) {
      const zone = zoneOf(id);
      expect(zone.drSource).toBe('fusion-model');
      // Within a tenth of TAW of the cooperative's pattern, with a stated uncertainty.
      expect(Math.abs(zone.drMm! / zone.tawMm! - shareFor(ndvi)), id).toBeLessThan(0.1);
      expect(zone.drSdMm).toBeGreaterThan(0);
      expect(zone.steps.find((s) => s.name === 'Dr')!.source).toMatch(/tfjs ensemble/);
    }
    // Dry plot: Dr/TAW 0.75 against p 0.65 (thin canopy, Kc 0.43): water. Wet plot: 0.25.
    expect(zoneOf('dry-unprobed').action).toBe('irrigate');
    expect(zoneOf('wet-unprobed').action).toBe('none');
    // Stored, and served as the field's latest prescription.
    expect(
      (await registry.prescriptions.latest('dry-unprobed', 'irrigation'))!.zones![0]!.drSource,
    ).toBe('fusion-model');
    // The fused prescription replaced the pass's first one: one version, under the pass's id.
    const versions = await registry.prescriptions.history('dry-unprobed', { kind: 'irrigation' });
    expect(versions.map((p) => [p.id, p.revision?.number])).toEqual([
      [made.find((p) => p.fieldId === 'dry-unprobed')!.id, 1],
    ]);

    // When the model cannot be fitted (the worker fails), the pass still ends: the unprobed
    // plots (one zone each, so no siblings to borrow from) say they lack data, the error is
    // recorded, and nothing is thrown.
    const failing: WorkerPool = {
      ...shamba.pool,
      run: (task, input, options) =>
        task === 'fusion.fit-predict'
          ? Promise.reject(new Error('injected fusion failure'))
          : shamba.pool.run(task, input, options),
    };
    const service = createPrescriptionService({
      registry,
      store,
      pool: failing,
      logger: pino({ level: 'silent' }),
    });
    // A new parameter set makes every field due again.
    await registry.parameterSets.add(
      COOP,
      { note: 'retune', crops: {} },
      { author: 'test', atMs: now },
    );
    const again = (await service.runOnce()).filter(
      (p): p is IrrigationPrescription => p.kind === 'irrigation',
    );
    expect(again).toHaveLength(plots.length);
    const dry = again.find((p) => p.fieldId === 'dry-unprobed')!.zones![0]!;
    expect([dry.action, dry.drSource]).toEqual(['insufficient-data', null]);
    expect(service.status().lastError).toBe('injected fusion failure');
  }, 60_000);
});
