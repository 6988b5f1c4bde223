import { ShambaError, round } from '@shamba/schemas';
import { initTfBackend, tf } from '../models/tf-backend.js';
import { mulberry32 } from '../models/seeded-random.js';
import { FEATURE_NAMES, fao33Yield, yieldFeatures, type SeasonDay } from './yield-features.js';
import { buildQuantileModel, pinballLoss, quantilesFromOutputs } from './quantile-model.js';
import { cropParameters, nominalSeasonDays } from '@shamba/agronomy';
import { DEFAULT_YIELD_TRAINING, type YieldTrainingOptions } from './yield-training-options.js';
import {
  calibrate,
  calibratedBand,
  legacyWidening,
  type Calibration,
  type Forecast,
  type LegacyCalibration,
} from './yield-calibration.js';

export type { Calibration, Forecast, LegacyCalibration } from './yield-calibration.js';

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

/**
 * Training rows are cut from each season at these shares of its days (0: at sowing, from the
 * field's nitrogen, soil and crop alone), so one model forecasts from day one to harvest.
 */
export const FORECAST_POINTS = [
  0, 0.05, 0.1, 0.15, 0.25, 0.35, 0.5, 0.6, 0.75, 0.85, 0.9, 1,
] as const;

/** The points of the season at which the band's coverage is reported (issue 15). */
export const REPORTED_FRACTIONS = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

export interface Evaluation {
  rows: number;
  rmseTHa: number;
  maeTHa: number;
  /** Share of held-out truths inside [P10, P90] (null for a point forecast). */
  p10p90Coverage: number | null;
}

/** The evaluation at one point of the season, the model's band beside FAO-33's error. */
export interface FractionEvaluation {
  /** Share of the season's days known when forecasting. */
  seasonFraction: number;
  rows: number;
  /** Share of truths inside the calibrated [P10, P90]; 0.8 is the aim. */
  coverage: number;
  /** Mean width of the band, t/ha. */
  meanBandTHa: number;
  modelRmseTHa: number;
  fao33RmseTHa: number;
}

export interface YieldModelMeta {
  features: readonly string[];
  normalization: { mean: number[]; std: number[] };
  /** The conformal band per season fraction (null: too few calibration rows). */
  calibration: Calibration | null;
  training: YieldTrainingOptions;
  data: {
    seasons: number;
    simulated: number;
    history: number;
    trainSeasons: number;
    heldOutSeasons: number;
  };
  /**
   * On the test groups (seen neither in training nor in calibration): overall, and at each of
   * REPORTED_FRACTIONS.
   */
  evaluation: { model: Evaluation; fao33: Evaluation; bySeasonFraction: FractionEvaluation[] };
  finalLoss: number;
}

interface Row {
  x: number[];
  y: number;
  crop: string;
  etaOverEtc: number;
  /** The share of the season's days the row knows. */
  point: number;
}

function rowsOf(season: LabelledSeason, points: readonly number[] = FORECAST_POINTS): Row[] {
  if (season.endOfSeason !== undefined) {
    const x = season.endOfSeason;
    return [
      {
        x,
        y: season.yieldTHa,
        crop: season.crop,
        etaOverEtc: x[FEATURE_NAMES.indexOf('etaOverEtc')]!,
        point: 1,
      },
    ];
  }
  // The season fraction is measured against the crop's nominal season, as in forecasting.
  const seasonLengthDays = nominalSeasonDays(cropParameters(season.crop));
  return points.map((point) => {
    const days = season.days.slice(0, Math.round(point * season.days.length));
    const x = yieldFeatures({ ...season, days, seasonLengthDays });
    return {
      x,
      y: season.yieldTHa,
      crop: season.crop,
      etaOverEtc: x[FEATURE_NAMES.indexOf('etaOverEtc')]!,
      point,
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
  const test = testSeasons.flatMap((s) => rowsOf(s));
  const calibrationRows = calibrationSeasons.flatMap((s) => rowsOf(s));
  const train = shuffled(
    trainSeasons.flatMap((s) => rowsOf(s)),
    options.seed + 1,
  );

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

  const fractionColumn = FEATURE_NAMES.indexOf('seasonFraction');
  const uncalibrated = forecastRows(
    { model, normalization },
    calibrationRows.map((r) => r.x),
  );
  const calibration = calibrate(
    calibrationRows.map((r, i) => ({
      crop: cropOfRow(r.x),
      point: r.point,
      seasonFraction: r.x[fractionColumn]!,
      forecast: uncalibrated[i]!,
      truth: r.y,
    })),
  );
  const forecasts = forecastRows(
    { model, normalization, calibration },
    test.map((r) => r.x),
  );
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
    evaluation: evaluateOnTest(test, forecasts),
    finalLoss,
  };
  return { model, meta };
}

function normalize(x: readonly number[], n: { mean: number[]; std: number[] }): number[] {
  return x.map((v, j) => (v - n.mean[j]!) / n.std[j]!);
}

/** The crop a feature row encodes (its one-hot column), for a legacy per-crop calibration. */
function cropOfRow(x: readonly number[]): string {
  const hot = FEATURE_NAMES.findIndex((n, j) => n.startsWith('crop:') && x[j] === 1);
  return hot < 0 ? 'other' : FEATURE_NAMES[hot]!.slice('crop:'.length);
}

/** A trained yield model as it forecasts: the network, its feature scaling, its calibration. */
export interface YieldForecaster {
  model: tf.LayersModel;
  normalization: { mean: number[]; std: number[] };
  /** None (null or left out): the band is the network's own P10-P90. */
  calibration?: Calibration | LegacyCalibration | null;
}

/**
 * P10/P50/P90 for rows of features; yields are never below zero. With a calibration, the band is
 * the conformal one at the row's season fraction (see `Calibration`).
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
  const fraction = FEATURE_NAMES.indexOf('seasonFraction');
  return values.map(([p10, p50, p90], i) => {
    // The network's own band, never below zero: what the calibration scored.
    const own = { p10THa: Math.max(0, p10!), p50THa: Math.max(0, p50!), p90THa: Math.max(0, p90!) };
    if (calibration === null) return own;
    const at = { crop: cropOfRow(rows[i]!), seasonFraction: rows[i]![fraction]! };
    if ('method' in calibration) return calibratedBand(calibration, own, at);
    const widen = legacyWidening(calibration, at);
    return {
      p10THa: Math.max(0, p10! - widen),
      p50THa: own.p50THa,
      p90THa: Math.max(0, p90! + widen),
    };
  });
}

/**
 * A forecaster judged on seasons (ones it never saw): at each of REPORTED_FRACTIONS of each
 * season, the calibrated band's coverage and width, and the RMSE of its P50 and of FAO-33.
 */
export function evaluateOnSeasons(
  forecaster: YieldForecaster,
  seasons: readonly LabelledSeason[],
): YieldModelMeta['evaluation'] {
  const rows = seasons.flatMap((s) => rowsOf(s, REPORTED_FRACTIONS));
  return evaluateOnTest(
    rows,
    forecastRows(
      forecaster,
      rows.map((r) => r.x),
    ),
  );
}

function evaluateOnTest(test: readonly Row[], forecasts: readonly Forecast[]) {
  const withTruth = test.map((r, i) => ({ ...r, ...forecasts[i]!, truth: r.y }));
  const fao33 = (rows: typeof withTruth) =>
    evaluate(rows.map((r) => ({ truth: r.y, p50THa: fao33Yield(r.crop, r.etaOverEtc).yieldTHa })));
  return {
    model: evaluate(withTruth),
    fao33: fao33(withTruth),
    bySeasonFraction: REPORTED_FRACTIONS.flatMap((seasonFraction): FractionEvaluation[] => {
      const at = withTruth.filter((r) => r.point === seasonFraction);
      if (at.length === 0) return [];
      const model = evaluate(at);
      return [
        {
          seasonFraction,
          rows: at.length,
          coverage: model.p10p90Coverage!,
          meanBandTHa: round(at.reduce((s, r) => s + r.p90THa - r.p10THa, 0) / at.length, 3),
          modelRmseTHa: model.rmseTHa,
          fao33RmseTHa: fao33(at).rmseTHa,
        },
      ];
    }),
  };
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
