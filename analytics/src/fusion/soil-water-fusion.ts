import { tf } from '../models/tf-backend.js';
import { mulberry32 } from '../models/seeded-random.js';
import { FUSION_FEATURES, MIN_FUSION_ZONES, type FusionRow } from './fusion-features.js';

/**
 * Soil water for zones without a probe, from the zones with one (issue 6, "fusion"): a small
 * TF.js network learns the probed zones' depletion (Dr/TAW) from what every zone has, its
 * satellite indices, soil and crop stage, and predicts it for the others.
 *
 * Uncertainty: an ensemble of networks, each fitted to a bootstrap resample of the probed zones
 * (Lakshminarayanan et al. 2017, "deep ensembles"); their spread, plus the residual scatter
 * inflated by the leverage of the point (as in linear regression's prediction interval,
 * s²(1 + h) with h from the point's standardized distance to the training zones), so the band
 * widens where the model extrapolates.
 */
export const FUSION_ENSEMBLE = 5;
const EPOCHS = 200;
const HIDDEN = 6;

export interface FusionPrediction {
  /** Predicted depletion as a share of TAW, within [0, 1]. */
  share: number;
  /** One standard deviation of it. */
  sd: number;
}

export interface FusionResult {
  predictions: FusionPrediction[];
  trainedOn: number;
  residualSd: number;
  model: string;
}

interface Ensemble {
  models: tf.LayersModel[];
  mean: number[];
  std: number[];
  residualSd: number;
  n: number;
}

/**
 * Fitted ensembles kept in the worker by their training data and seed: prescription passes
 * every few seconds ask again with the same probed zones (probes report every 15 minutes), and
 * only new data refits. The oldest is disposed past `size`.
 */
export function createFusionCache(size = 4) {
  const entries = new Map<string, Promise<Ensemble>>();
  return {
    get(key: string, fit: () => Promise<Ensemble>): Promise<Ensemble> {
      let entry = entries.get(key);
      if (entry !== undefined) {
        entries.delete(key);
        entries.set(key, entry);
        return entry;
      }
      entry = fit();
      entries.set(key, entry);
      entry.catch(() => entries.delete(key));
      while (entries.size > size) {
        const [oldest, evicted] = entries.entries().next().value as [string, Promise<Ensemble>];
        entries.delete(oldest);
        void evicted.then((e) => e.models.forEach((m) => m.dispose())).catch(() => undefined);
      }
      return entry;
    },
  };
}
export type FusionCache = ReturnType<typeof createFusionCache>;

async function fitEnsemble(
  train: readonly (FusionRow & { share: number })[],
  seed: number,
): Promise<Ensemble> {
  const width = FUSION_FEATURES.length;
  // Standardize on the training zones; a missing value takes the training mean (z = 0).
  const mean = Array.from({ length: width }, (_, j) => {
    const v = train.flatMap((r) => (r.x[j] === null ? [] : [r.x[j]!]));
    return v.length === 0 ? 0 : v.reduce((s, x) => s + x, 0) / v.length;
  });
  const std = mean.map((m, j) => {
    const v = train.flatMap((r) => (r.x[j] === null ? [] : [r.x[j]!]));
    return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, v.length)) || 1;
  });
  const trainZ = train.map((r) => standardize(r.x, mean, std));
  const ys = train.map((r) => r.share);
  const draw = mulberry32(seed);
  const models: tf.LayersModel[] = [];
  for (let k = 0; k < FUSION_ENSEMBLE; k++) {
    const pick = Array.from({ length: train.length }, () => Math.floor(draw() * train.length));
    const init = (o: number) => tf.initializers.glorotUniform({ seed: seed * 101 + k * 7 + o });
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        inputShape: [width],
        units: HIDDEN,
        activation: 'tanh',
        kernelInitializer: init(1),
        kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }),
      }),
    );
    model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init(2) }));
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const xs = tf.tensor2d(pick.map((i) => trainZ[i]!));
    const yt = tf.tensor2d(pick.map((i) => [ys[i]!]));
    try {
      await model.fit(xs, yt, {
        epochs: EPOCHS,
        batchSize: train.length,
        shuffle: false,
        verbose: 0,
      });
    } finally {
      xs.dispose();
      yt.dispose();
      model.optimizer.dispose();
    }
    models.push(model);
  }
  // Residual scatter of the ensemble mean on the probed zones.
  const inSample = predictMembers(models, trainZ);
  const fitted = ys.map((_, i) => inSample.reduce((s, m) => s + m[i]!, 0) / models.length);
  const residualSd = Math.sqrt(
    ys.reduce((s, y, i) => s + (y - fitted[i]!) ** 2, 0) / Math.max(1, ys.length - 1),
  );
  return { models, mean, std, residualSd, n: train.length };
}

function standardize(x: readonly (number | null)[], mean: number[], std: number[]): number[] {
  return x.map((v, j) => (v === null ? 0 : (v - mean[j]!) / std[j]!));
}

/** Each member's prediction for each row (member x row). */
function predictMembers(models: readonly tf.LayersModel[], rows: number[][]): number[][] {
  if (rows.length === 0) return models.map(() => []);
  return models.map((model) =>
    tf.tidy(() => (model.predict(tf.tensor2d(rows)) as tf.Tensor2D).arraySync().map((r) => r[0]!)),
  );
}

export async function fitPredictFusion(
  input: {
    train: readonly (FusionRow & { share: number })[];
    predict: readonly FusionRow[];
    seed: number;
  },
  cache?: FusionCache,
): Promise<FusionResult> {
  const { train, predict, seed } = input;
  if (train.length < MIN_FUSION_ZONES)
    throw new Error(`fusion needs at least ${MIN_FUSION_ZONES} probed zones, has ${train.length}`);
  const ensemble =
    cache === undefined
      ? await fitEnsemble(train, seed)
      : await cache.get(JSON.stringify([seed, train]), () => fitEnsemble(train, seed));
  try {
    const predictZ = predict.map((r) => standardize(r.x, ensemble.mean, ensemble.std));
    const members = predictMembers(ensemble.models, predictZ);
    const { n, residualSd } = ensemble;
    const predictions = predictZ.map((x, i) => {
      const values = members.map((m) => m[i]!);
      const mu = values.reduce((s, v) => s + v, 0) / values.length;
      const spread = values.reduce((s, v) => s + (v - mu) ** 2, 0) / Math.max(1, values.length - 1);
      // Leverage of the point: h = (1 + d²) / n, d² its squared standardized distance.
      const d2 = x.reduce((s, v) => s + v * v, 0);
      const h = (1 + d2) / n;
      return {
        share: Math.min(1, Math.max(0, mu)),
        sd: Math.sqrt(spread + residualSd ** 2 * (1 + h)),
      };
    });
    return {
      predictions,
      trainedOn: n,
      residualSd,
      model: `tfjs ensemble of ${FUSION_ENSEMBLE} (${FUSION_FEATURES.length}-${HIDDEN}-1, tanh/sigmoid), seed ${seed}`,
    };
  } finally {
    // Without a cache the ensemble lives for this call only.
    if (cache === undefined) ensemble.models.forEach((m) => m.dispose());
  }
}
