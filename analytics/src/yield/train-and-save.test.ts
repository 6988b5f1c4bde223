import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { BUILT_IN_SCENARIOS, simulateSeasons } from '@shamba/world';
import { createModelStore } from '../models/model-store.js';
import { FEATURE_NAMES, yieldFeatures } from './yield-features.js';
import { historySeasons, parseYieldHistoryCsv } from './yield-history.js';
import { trainAndSave } from './train-and-save.js';
import type { LabelledSeason } from './train-yield-model.js';
import { DEFAULT_YIELD_TRAINING } from './yield-training-options.js';

const TRAINING = { ...DEFAULT_YIELD_TRAINING, seed: 5, epochs: 20, hiddenUnits: 8 };

function simulated(count: number, seed: number): LabelledSeason[] {
  return simulateSeasons({ base: BUILT_IN_SCENARIOS['oromia-drought']!, count, seed }).map((s) => ({
    ...s,
    id: `${s.scenarioId}/${s.seed}/${s.fieldId}`,
    group: `${s.scenarioId}/${s.seed}`,
  }));
}

/**
 * A cooperative's history as the season-features export gives it at harvest; `withRatio`: with the
 * rain-over-ET0 column (without it: rows stored before that column existed).
 */
function historyCsv(withRatio: boolean): string {
  const seasons = simulateSeasons({
    base: BUILT_IN_SCENARIOS['oromia-drought']!,
    count: 4,
    seed: 42,
  });
  const years = [...new Set(seasons.map((s) => s.seed))];
  const columns = [
    'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral',
    ...(withRatio ? ['rain_over_et0'] : []),
  ].join(',');
  const lines = seasons.map((s) => {
    const x = yieldFeatures({ ...s, days: s.days });
    const f = (n: (typeof FEATURE_NAMES)[number]) => x[FEATURE_NAMES.indexOf(n)]!.toFixed(4);
    return [
      `${2020 + years.indexOf(s.seed)}-meher`,
      s.fieldId,
      s.crop,
      s.yieldTHa.toFixed(3),
      s.nitrogenKgHa,
      s.tawMm,
      f('rainMm'),
      f('gddPerDay'),
      f('etaOverEtc'),
      f('ndviPeak'),
      f('ndviIntegral'),
      ...(withRatio ? [f('rainOverEt0')] : []),
    ].join(',');
  });
  return [columns, ...lines].join('\n');
}

const finite = (evaluation: { model: { rmseTHa: number }; fao33: { rmseTHa: number } }) =>
  [evaluation.model.rmseTHa, evaluation.fao33.rmseTHa].every(Number.isFinite);

describe('trainAndSave', () => {
  it(
    'trains a finite model on uploaded history; history lacking a feature is left out with its reason, never trained on as NaN',
    { timeout: 120_000 },
    async () => {
      const modelsDir = mkdtempSync(join(tmpdir(), 'shamba-train-'));
      const withRatio = historySeasons('coop-a', parseYieldHistoryCsv(historyCsv(true)));
      const trained = await trainAndSave({
        modelsDir,
        owner: 'coop-a',
        seasons: [...simulated(8, 5), ...withRatio],
        options: TRAINING,
        extra: {},
        promote: false,
      });
      expect(trained.data).toMatchObject({ seasons: 48, simulated: 32, history: 16 });
      expect(finite(trained.evaluation)).toBe(true);
      expect(trained.excluded).toEqual({ count: 0, seasons: [] });

      // Rows stored before the rain-over-ET0 column: left out, and the meta says which and why.
      const legacy = historySeasons('coop-a', parseYieldHistoryCsv(historyCsv(false)));
      const second = await trainAndSave({
        modelsDir,
        owner: 'coop-a',
        seasons: [...simulated(8, 5), ...legacy],
        options: TRAINING,
        extra: {},
        promote: false,
      });
      expect(second.data).toMatchObject({ seasons: 32, history: 0 });
      expect(finite(second.evaluation)).toBe(true);
      expect(second.excluded.count).toBe(16);
      expect(second.excluded.seasons[0]).toEqual({
        id: legacy[0]!.id,
        reason: 'no finite rainOverEt0',
      });
      const { meta } = await createModelStore({ dir: modelsDir, owner: 'coop-a' }).meta(
        'yield',
        second.version,
      );
      expect(meta.excluded).toEqual(second.excluded);
      expect((meta.evaluation as { model: { rmseTHa: unknown } }).model.rmseTHa).toBe(
        second.evaluation.model.rmseTHa,
      );
    },
  );

  it(
    'refuses a model whose evaluation is not finite and saves nothing',
    { timeout: 120_000 },
    async () => {
      const modelsDir = mkdtempSync(join(tmpdir(), 'shamba-train-'));
      // One simulated season whose station lost its rain gauge mid-season (NaN readings).
      const seasons = simulated(8, 5);
      const broken = seasons[0]!;
      seasons[0] = {
        ...broken,
        days: broken.days.map((d, i) => (i === 30 ? { ...d, rainMm: Number.NaN } : d)),
      };
      const error = await trainAndSave({
        modelsDir,
        owner: 'coop-a',
        seasons,
        options: TRAINING,
        extra: {},
        promote: true,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isShambaError(error, 'INVALID_REQUEST')).toBe(true);
      expect((error as Error).message).toMatch(
        /^training gave a model that cannot be evaluated \(model RMSE NaN.*\): nothing was saved/,
      );
      const yieldDir = join(modelsDir, 'coops', 'coop-a', 'yield');
      expect(existsSync(yieldDir) ? readdirSync(yieldDir) : []).toEqual([]);
    },
  );

  it(
    'saves but does not promote a model worse than FAO-33 on its held-out seasons, saying so',
    { timeout: 120_000 },
    async () => {
      const modelsDir = mkdtempSync(join(tmpdir(), 'shamba-train-'));
      // One epoch at a crawl: the network has barely moved from its random start.
      const trained = await trainAndSave({
        modelsDir,
        owner: 'coop-a',
        seasons: simulated(8, 5),
        options: { ...TRAINING, epochs: 1, learningRate: 0.0001 },
        extra: {},
        promote: true,
      });
      const { model, fao33 } = trained.evaluation;
      expect(model.rmseTHa).toBeGreaterThan(fao33.rmseTHa);
      expect([trained.promoted, trained.promotionRefused]).toEqual([
        false,
        `its held-out RMSE, ${model.rmseTHa} t/ha, is worse than FAO-33's ${fao33.rmseTHa} t/ha on the same seasons`,
      ]);
      expect(
        await createModelStore({ dir: modelsDir, owner: 'coop-a' }).promoted('yield'),
      ).toBeNull();
    },
  );
});
