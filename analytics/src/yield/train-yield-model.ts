import { ShambaError, round } from '@shamba/schemas';
import { initTfBackend, tf } from '../models/tf-backend.js';
import { mulberry32 } from '../models/seeded-random.js';
import { FEATURE_NAMES, fao33Yield, yieldFeatures, type SeasonDay } from './yield-features.js';
import { buildQuantileModel, pinballLoss, quantilesFromOutputs } from './quantile-model.js';
import { cropParameters, nominalSeasonDays } from '@shamba/agronomy';
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

/**
 * Conformalized quantile regression (Romano, Patterson & Candès 2019): how much to widen the
 * model's [P10, P90] at each point of the season so that it holds 80 % of the truths of seasons
 * it never saw (the calibration groups). Interpolated in the season fraction between points.
 */
export interface Calibration {
  /** Per crop (as the model one-hot encodes it: a yield crop, or `other`). */
  byCrop: Record<string, { seasonFractions: number[]; widenTHa: number[] }>;
  calibrationRows: number;
}

export interface YieldModelMeta {
  features: readonly string[];
  normalization: { mean: number[]; std: number[] };
  calibration: Calibration | null;
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
  // The season fraction is measured against the crop's nominal season, as in forecasting.
  const seasonLengthDays = nominalSeasonDays(cropParameters(season.crop));
  return FORECAST_POINTS.map((f) => {
    const days = season.days.slice(0, Math.max(1, Math.round(f * season.days.length)));
    const x = yieldFeatures({ ...season, days, seasonLengthDays });
    return {
      x,
      y: season.yieldTHa,
      crop: season.crop,
      etaOverEtc: x[FEATURE_NAMES.indexOf('etaOverEtc')]!,
    };
  });
}

/** A seeded shuffle (Fisher-Yates), so that training is reproducible from its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = mulberry32(seed);
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
  // The caller asked for too little data (a request's seasons, an upload's history): theirs to
  // fix, so a coded refusal, not a worker failure.
  if (seasons.length < 8)
    throw new ShambaError(
      'INVALID_REQUEST',
      `${seasons.length} seasons: at least 8 are needed to train and hold some out`,
    );
  await initTfBackend(); // once per thread; every caller gets the fastest backend that loads
  const groups = shuffled([...new Set(seasons.map((s) => s.group))].sort(), options.seed);
  if (groups.length < 4)
    throw new ShambaError(
      'INVALID_REQUEST',
      `${groups.length} weather groups: at least 4 are needed`,
    );
  const heldOutGroups = new Set(
    groups.slice(0, Math.max(1, Math.round(groups.length * options.heldOutShare))),
  );
  // Held-out groups: the first half calibrates the band (conformal), the second evaluates.
  const heldOutList = [...heldOutGroups];
  const calibrationGroups = new Set(heldOutList.slice(0, Math.floor(heldOutList.length / 2)));
  const testSeasons = seasons.filter(
    (s) => heldOutGroups.has(s.group) && !calibrationGroups.has(s.group),
  );
  const calibrationSeasons = seasons.filter((s) => calibrationGroups.has(s.group));
  const trainSeasons = seasons.filter((s) => !heldOutGroups.has(s.group));
  const heldOut = testSeasons.length + calibrationSeasons.length;
  const test = testSeasons.flatMap(rowsOf);
  const calibrationRows = calibrationSeasons.flatMap(rowsOf);
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

  const calibration = conformalWidening(
    calibrationRows,
    forecastRows(
      { model, normalization },
      calibrationRows.map((r) => r.x),
    ),
  );
  const forecasts = forecastRows(
    { model, normalization, calibration },
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
    calibration,
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

const BAND_MISS = 0.2; // P10-P90 leaves 20 % of truths outside

/** The crop a feature row encodes (its one-hot column), for per-crop calibration. */
function cropOfRow(x: readonly number[]): string {
  const hot = FEATURE_NAMES.findIndex((n, j) => n.startsWith('crop:') && x[j] === 1);
  return hot < 0 ? 'other' : FEATURE_NAMES[hot]!.slice('crop:'.length);
}

/**
 * CQR scores max(P10 − y, y − P90) per crop and forecast point, and their (1 − α)(1 + 1/n)
 * empirical quantile: the margin that makes the band hold 1 − α of unseen truths there.
 */
function conformalWidening(
  rows: readonly Row[],
  forecasts: readonly Forecast[],
): Calibration | null {
  if (rows.length === 0) return null;
  const fraction = FEATURE_NAMES.indexOf('seasonFraction');
  const groups = new Map<string, Map<number, number[]>>();
  rows.forEach((r, i) => {
    const f = forecasts[i]!;
    const crop = cropOfRow(r.x);
    const point = round(r.x[fraction]!, 2);
    const byPoint = groups.get(crop) ?? new Map<number, number[]>();
    const scores = byPoint.get(point) ?? [];
    scores.push(Math.max(f.p10THa - r.y, r.y - f.p90THa));
    byPoint.set(point, scores);
    groups.set(crop, byPoint);
  });
  const byCrop: Calibration['byCrop'] = {};
  for (const [crop, byPoint] of groups) {
    const points = [...byPoint.keys()].sort((a, b) => a - b);
    byCrop[crop] = {
      seasonFractions: points,
      widenTHa: points.map((p) => {
        const scores = byPoint.get(p)!.sort((a, b) => a - b);
        const n = scores.length;
        const k = Math.min(n - 1, Math.ceil((1 - BAND_MISS) * (n + 1)) - 1);
        return round(Math.max(0, scores[k]!), 4);
      }),
    };
  }
  return { byCrop, calibrationRows: rows.length };
}

function widenAt(calibration: Calibration, x: readonly number[]): number {
  const c = calibration.byCrop[cropOfRow(x)];
  if (c === undefined) {
    // A crop the calibration never saw: the widest margin of any.
    return Math.max(0, ...Object.values(calibration.byCrop).flatMap((v) => v.widenTHa));
  }
  const seasonFraction = x[FEATURE_NAMES.indexOf('seasonFraction')]!;
  const { seasonFractions: p, widenTHa: w } = c;
  if (seasonFraction <= p[0]!) return w[0]!;
  for (let i = 1; i < p.length; i++)
    if (seasonFraction <= p[i]!)
      return w[i - 1]! + ((seasonFraction - p[i - 1]!) / (p[i]! - p[i - 1]!)) * (w[i]! - w[i - 1]!);
  return w.at(-1)!;
}

/** A trained yield model as it forecasts: the network, its feature scaling, its calibration. */
export interface YieldForecaster {
  model: tf.LayersModel;
  normalization: { mean: number[]; std: number[] };
  /** None (null or left out): the band is the model's own P10-P90. */
  calibration?: Calibration | null;
}

/**
 * P10/P50/P90 for rows of features; yields are never below zero. With a calibration, the band is
 * widened by its conformal margin at the row's season fraction.
 */
export function forecastRows(
  { model, normalization, calibration = null }: YieldForecaster,
  rows: readonly (readonly number[])[],
): Forecast[] {
  if (rows.length === 0) return [];
  const values = tf.tidy(() => {
    const raw = model.predict(
      tf.tensor2d(rows.map((r) => normalize(r, normalization))),
    ) as tf.Tensor2D;
    return quantilesFromOutputs(raw).arraySync();
  });
  return values.map(([p10, p50, p90], i) => {
    const widen = calibration === null ? 0 : widenAt(calibration, rows[i]!);
    return {
      p10THa: Math.max(0, p10! - widen),
      p50THa: Math.max(0, p50!),
      p90THa: Math.max(0, p90! + widen),
    };
  });
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
