import { tf } from '../models/tf-backend.js';
import { FEATURE_NAMES, fao33Yield, yieldFeatures, type SeasonDay } from './yield-features.js';
import { buildQuantileModel, pinballLoss, quantilesFromOutputs } from './quantile-model.js';
import { round } from '../explain/step-log.js';
import { DEFAULT_YIELD_TRAINING, type YieldTrainingOptions } from './yield-training-options.js';

/** A finished season with its harvested (or simulated) yield. */
export interface LabelledSeason {
  /** Simulated by the firmware simulator's world, or the cooperative's own history. */
  source: 'simulated' | 'history';
  id: string;
  /**
   * Seasons that share weather (one simulated run, or one year of the cooperative's history):
   * held out together, or the model would be judged on weather it has already seen.
   */
  group: string;
  crop: string;
  days: readonly SeasonDay[];
  seasonLengthDays: number;
  nitrogenKgHa: number;
  tawMm: number;
  yieldTHa: number;
  /**
   * For history known only at harvest: the feature row at the end of the season (`days` then
   * empty). Such a season gives one training row instead of one per forecast point.
   */
  endOfSeason?: number[];
}

/** A forecast is made at these points of the season; each gives a training row. */
export const FORECAST_POINTS = [0.4, 0.6, 0.8, 1] as const;

export interface Evaluation {
  rows: number;
  rmseTHa: number;
  maeTHa: number;
  /** Share of held-out truths inside [P10, P90] (null for a point forecast). */
  p10p90Coverage: number | null;
}

export interface YieldModelMeta {
  features: readonly string[];
  normalization: { mean: number[]; std: number[] };
  training: YieldTrainingOptions;
  data: {
    seasons: number;
    simulated: number;
    history: number;
    trainSeasons: number;
    heldOutSeasons: number;
  };
  evaluation: { model: Evaluation; fao33: Evaluation };
  finalLoss: number;
}

export interface Forecast {
  p10THa: number;
  p50THa: number;
  p90THa: number;
}

interface Row {
  x: number[];
  y: number;
  crop: string;
  etaOverEtc: number;
}

function rowsOf(season: LabelledSeason): Row[] {
  if (season.endOfSeason !== undefined) {
    const x = season.endOfSeason;
    return [
      {
        x,
        y: season.yieldTHa,
        crop: season.crop,
        etaOverEtc: x[FEATURE_NAMES.indexOf('etaOverEtc')]!,
      },
    ];
  }
  return FORECAST_POINTS.map((f) => {
    const days = season.days.slice(0, Math.max(1, Math.round(f * season.days.length)));
    const x = yieldFeatures({ ...season, days });
    return {
      x,
      y: season.yieldTHa,
      crop: season.crop,
      etaOverEtc: x[FEATURE_NAMES.indexOf('etaOverEtc')]!,
    };
  });
}

/** Mulberry32: a seeded shuffle, so that training is reproducible from its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Trains the quantile yield model (pinball loss) on labelled seasons and evaluates it, with
 * FAO-33's water production function beside it, on seasons it never saw.
 */
export async function trainYieldModel(
  seasons: readonly LabelledSeason[],
  options: YieldTrainingOptions = DEFAULT_YIELD_TRAINING,
): Promise<{ model: tf.LayersModel; meta: YieldModelMeta }> {
  if (seasons.length < 8)
    throw new Error(`${seasons.length} seasons: at least 8 are needed to train and hold some out`);
  const groups = shuffled([...new Set(seasons.map((s) => s.group))].sort(), options.seed);
  if (groups.length < 4) throw new Error(`${groups.length} weather groups: at least 4 are needed`);
  const heldOutGroups = new Set(
    groups.slice(0, Math.max(1, Math.round(groups.length * options.heldOutShare))),
  );
  const testSeasons = seasons.filter((s) => heldOutGroups.has(s.group));
  const trainSeasons = seasons.filter((s) => !heldOutGroups.has(s.group));
  const heldOut = testSeasons.length;
  const test = testSeasons.flatMap(rowsOf);
  const train = shuffled(trainSeasons.flatMap(rowsOf), options.seed + 1);

  const width = FEATURE_NAMES.length;
  const mean = Array.from(
    { length: width },
    (_, j) => train.reduce((s, r) => s + r.x[j]!, 0) / train.length,
  );
  const std = mean.map(
    (m, j) => Math.sqrt(train.reduce((s, r) => s + (r.x[j]! - m) ** 2, 0) / train.length) || 1,
  );
  const normalization = { mean, std };

  const model = buildQuantileModel({
    inputs: width,
    hiddenUnits: options.hiddenUnits,
    seed: options.seed,
  });
  model.compile({ optimizer: tf.train.adam(options.learningRate), loss: pinballLoss });
  const xs = tf.tensor2d(train.map((r) => normalize(r.x, normalization)));
  // The truth repeated for each quantile: tfjs checks targets against the model's 3 outputs.
  const ys = tf.tensor2d(train.map((r) => [r.y, r.y, r.y]));
  let finalLoss: number;
  try {
    const history = await model.fit(xs, ys, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: false, // the rows were shuffled with the seed above; tf's shuffle is not seeded
      verbose: 0,
    });
    finalLoss = Number(history.history.loss?.at(-1));
  } finally {
    xs.dispose();
    ys.dispose();
    // Adam's moment tensors: the model is only used to forecast from here on.
    model.optimizer.dispose();
  }

  const forecasts = forecastRows(
    model,
    normalization,
    test.map((r) => r.x),
  );
  const evaluation = {
    model: evaluate(test.map((r, i) => ({ truth: r.y, ...forecasts[i]! }))),
    fao33: evaluate(
      test.map((r) => ({ truth: r.y, p50THa: fao33Yield(r.crop, r.etaOverEtc).yieldTHa })),
    ),
  };
  const meta: YieldModelMeta = {
    features: FEATURE_NAMES,
    normalization,
    training: options,
    data: {
      seasons: seasons.length,
      simulated: seasons.filter((s) => s.source === 'simulated').length,
      history: seasons.filter((s) => s.source === 'history').length,
      trainSeasons: trainSeasons.length,
      heldOutSeasons: heldOut,
    },
    evaluation,
    finalLoss,
  };
  return { model, meta };
}

function normalize(x: readonly number[], n: { mean: number[]; std: number[] }): number[] {
  return x.map((v, j) => (v - n.mean[j]!) / n.std[j]!);
}

/** P10/P50/P90 for rows of features; yields are never below zero. */
export function forecastRows(
  model: tf.LayersModel,
  normalization: { mean: number[]; std: number[] },
  rows: readonly (readonly number[])[],
): Forecast[] {
  if (rows.length === 0) return [];
  const values = tf.tidy(() => {
    const raw = model.predict(
      tf.tensor2d(rows.map((r) => normalize(r, normalization))),
    ) as tf.Tensor2D;
    return quantilesFromOutputs(raw).arraySync();
  });
  return values.map(([p10, p50, p90]) => ({
    p10THa: Math.max(0, p10!),
    p50THa: Math.max(0, p50!),
    p90THa: Math.max(0, p90!),
  }));
}

function evaluate(
  rows: readonly { truth: number; p50THa: number; p10THa?: number; p90THa?: number }[],
): Evaluation {
  const n = rows.length;
  const err = rows.map((r) => r.p50THa - r.truth);
  const withBand = rows.filter((r) => r.p10THa !== undefined && r.p90THa !== undefined);
  return {
    rows: n,
    rmseTHa: round(Math.sqrt(err.reduce((s, e) => s + e * e, 0) / n), 3),
    maeTHa: round(err.reduce((s, e) => s + Math.abs(e), 0) / n, 3),
    p10p90Coverage:
      withBand.length === 0
        ? null
        : round(
            withBand.filter((r) => r.truth >= r.p10THa! && r.truth <= r.p90THa!).length /
              withBand.length,
            3,
          ),
  };
}
