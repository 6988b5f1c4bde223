import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { BUILT_IN_SCENARIOS, simulateSeasons } from '@shamba/world';
import { initTfBackend, tf } from '../models/tf-backend.js';
import { fao33Yield } from './yield-features.js';
import {
  FORECAST_POINTS,
  forecastRows,
  trainYieldModel,
  type LabelledSeason,
} from './train-yield-model.js';
import { yieldFeatures } from './yield-features.js';
import { cropParameters, nominalSeasonDays } from '@shamba/agronomy';
import { createWorkerPool } from '../worker/worker-pool.js';
import { DEFAULT_YIELD_TRAINING } from './yield-training-options.js';

function seasons(count: number, seed: number): LabelledSeason[] {
  return simulateSeasons({ base: BUILT_IN_SCENARIOS['oromia-drought']!, count, seed }).map(
    (s, i) => ({
      ...s,
      id: `${s.fieldId}:${s.seed}:${i}`,
      group: String(s.seed),
    }),
  );
}

describe('yield forecast (TF.js, pinball loss)', () => {
  it(
    'learns simulated seasons: held-out P10-P90 holds at least half the truths, P50 beats FAO-33 alone, no tensor leaks',
    { timeout: 120_000 },
    async () => {
      const backend = await initTfBackend();
      expect(['tensorflow', 'wasm', 'cpu']).toContain(backend);
      const before = tf.memory().numTensors;
      const { model, meta } = await trainYieldModel(seasons(60, 11), {
        seed: 3,
        epochs: 120,
        hiddenUnits: 16,
        learningRate: 0.01,
        batchSize: 64,
        heldOutShare: 0.25,
      });
      expect(meta.data).toMatchObject({
        seasons: 240,
        simulated: 240,
        history: 0,
        heldOutSeasons: 60,
      });
      expect(meta.evaluation.model.p10p90Coverage).toBeGreaterThanOrEqual(0.5);
      expect(meta.evaluation.model.rmseTHa).toBeLessThan(meta.evaluation.fao33.rmseTHa);

      // Fresh seasons from other weather, forecast at the end of the season: P50 near the truth.
      const fresh = seasons(3, 99);
      const rows = fresh.map((s) => yieldFeatures({ ...s, days: s.days }));
      const forecasts = forecastRows({ model, normalization: meta.normalization }, rows);
      for (const f of forecasts) {
        expect(f.p10THa).toBeLessThanOrEqual(f.p50THa);
        expect(f.p50THa).toBeLessThanOrEqual(f.p90THa);
      }
      const close = fresh.filter((s, i) => Math.abs(s.yieldTHa - forecasts[i]!.p50THa) <= 0.5);
      expect(close.length / fresh.length).toBeGreaterThanOrEqual(0.75);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it(
    'mid-season P10-P90, conformally calibrated, holds most fresh simulated truths',
    { timeout: 120_000 },
    async () => {
      const { model, meta } = await trainYieldModel(seasons(40, 77), {
        seed: 77,
        epochs: 150,
        hiddenUnits: 16,
        learningRate: 0.01,
        batchSize: 64,
        heldOutShare: 0.25,
      });
      expect(meta.calibration!.byPoint.map((p) => p.point)).toEqual([...FORECAST_POINTS]);
      expect(meta.calibration!.byCrop.maize!.scale).toHaveLength(FORECAST_POINTS.length);
      // 30 weather-years the model never saw, forecast 60 % into each field's season.
      const fresh = seasons(30, 1234);
      const rows = fresh.map((s) =>
        yieldFeatures({
          ...s,
          days: s.days.slice(0, Math.round(0.6 * s.days.length)),
          seasonLengthDays: nominalSeasonDays(cropParameters(s.crop)),
        }),
      );
      const calibrated = forecastRows(
        { model, normalization: meta.normalization, calibration: meta.calibration },
        rows,
      );
      const raw = forecastRows({ model, normalization: meta.normalization }, rows);
      const coverage = (f: typeof raw) =>
        fresh.filter((s, i) => s.yieldTHa >= f[i]!.p10THa && s.yieldTHa <= f[i]!.p90THa).length /
        fresh.length;
      // Nominal 0.8 (the band's coverage at each point is checked closely in
      // yield-band-coverage.test.ts, on many more seasons).
      expect(coverage(calibrated)).toBeGreaterThanOrEqual(0.7);
      expect(coverage(raw)).toBeGreaterThan(0);
      model.dispose();
    },
  );

  it("too few seasons or weather groups is the caller's INVALID_REQUEST through the pool, not WORKER_FAILED", async () => {
    // The pool passes a task's ShambaError through and turns anything else into a 503
    // WORKER_FAILED: the condition must be coded where it is detected.
    await using pool = await createWorkerPool({ size: 0 });
    const modelsDir = mkdtempSync(join(tmpdir(), 'shamba-yield-few-'));
    const refusal = (few: LabelledSeason[]) =>
      pool
        .run('yield.train', {
          modelsDir,
          owner: null,
          seasons: few,
          options: DEFAULT_YIELD_TRAINING,
          extra: {},
          promote: false,
        })
        .then(
          () => 'trained',
          (error: unknown) => (isShambaError(error) ? [error.code, error.message] : error),
        );
    const oneYear = seasons(1, 3);
    expect(oneYear.length).toBeLessThan(8);
    expect(await refusal(oneYear)).toEqual([
      'INVALID_REQUEST',
      `${oneYear.length} seasons: at least 8 are needed to train and hold some out`,
    ]);
    // Enough seasons from too few weather-years: nothing to hold out by weather.
    const threeYears = [...seasons(3, 3), ...seasons(3, 3)].map((s, i) => ({
      ...s,
      id: String(i),
    }));
    expect(threeYears.length).toBeGreaterThanOrEqual(8);
    expect(await refusal(threeYears)).toEqual([
      'INVALID_REQUEST',
      '3 weather groups: at least 4 are needed',
    ]);
  });

  it('FAO-33 baseline: 1 − Ya/Ym = Ky (1 − ETa/ETm)', () => {
    // Maize, Ky 1.25, Ym 7: ETa/ETm 0.8 gives 7 (1 − 1.25 × 0.2) = 5.25 t/ha.
    expect(fao33Yield('maize', 0.8).yieldTHa).toBeCloseTo(5.25, 10);
    expect(fao33Yield('maize', 1).yieldTHa).toBe(7);
    expect(fao33Yield('maize', 0.1).yieldTHa).toBe(0);
  });
});
