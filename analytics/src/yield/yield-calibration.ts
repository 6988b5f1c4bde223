import { round } from '@shamba/schemas';

/** The quantiles a forecast gives, t/ha. */
export interface Forecast {
  p10THa: number;
  p50THa: number;
  p90THa: number;
}

/** The share of truths a P10-P90 band should hold. */
export const BAND_COVERAGE = 0.8;

/**
 * Conformalized quantile regression (Romano, Patterson & Candès 2019, "Conformalized Quantile
 * Regression", NeurIPS), in its scaled form (CQR-r: Sesia & Candès 2020, "A comparison of some
 * conformal quantile regression methods", Stat 9): on seasons the network never saw (the
 * calibration groups), each row's nonconformity score is
 *   E = max(P10 − y, y − P90) / (P90 − P10),
 * and the band is moved out (E̅ > 0) or in (E̅ < 0) by E̅ (P90 − P10) on each side, where E̅ is the
 * ⌈0.8 (n + 1)⌉-th smallest score of the n rows cut at that point of the season. Scores are
 * pooled over crops (scaled by the band's own width, a crop's yield level cancels out) and taken
 * per point of the season: how honest the band must be depends on how early it is.
 */
export interface Calibration {
  method: 'cqr-scaled';
  /** Per point of the season (share of its days known): E̅ and the rows behind it. */
  byPoint: { point: number; scale: number; rows: number }[];
  /**
   * Per crop, E̅ against the season-fraction feature the crop's rows had at each point (the
   * feature counts days against the crop's nominal season): what a forecast interpolates in.
   */
  byCrop: Record<string, { seasonFractions: number[]; scale: number[] }>;
  calibrationRows: number;
  reference: string;
}

/** Versions saved before issue 15: an additive margin per crop, never negative. */
export interface LegacyCalibration {
  byCrop: Record<string, { seasonFractions: number[]; widenTHa: number[] }>;
  calibrationRows: number;
}

export const CQR_REFERENCE =
  'Romano, Patterson & Candès 2019 (CQR); scaled scores as CQR-r in Sesia & Candès 2020';

const MIN_WIDTH_THA = 0.01;

function score(f: Forecast, truth: number): number {
  const width = Math.max(MIN_WIDTH_THA, f.p90THa - f.p10THa);
  return Math.max(f.p10THa - truth, truth - f.p90THa) / width;
}

/** The ⌈(1 − α)(n + 1)⌉-th smallest score (Romano et al. 2019, eq. 8), capped at the largest. */
export function conformalQuantile(scores: readonly number[], coverage = BAND_COVERAGE): number {
  const sorted = [...scores].sort((a, b) => a - b);
  const k = Math.min(sorted.length, Math.ceil(coverage * (sorted.length + 1)));
  return sorted[k - 1]!;
}

export interface CalibrationRow {
  crop: string;
  /** The share of the season's days the row knew. */
  point: number;
  /** Its season-fraction feature. */
  seasonFraction: number;
  forecast: Forecast;
  truth: number;
}

/** The calibration from held-out rows (null when there are none). */
export function calibrate(rows: readonly CalibrationRow[]): Calibration | null {
  if (rows.length === 0) return null;
  const points = [...new Set(rows.map((r) => r.point))].sort((a, b) => a - b);
  const byPoint = points.map((point) => {
    const at = rows.filter((r) => r.point === point);
    const scale = round(conformalQuantile(at.map((r) => score(r.forecast, r.truth))), 4);
    return { point, scale, rows: at.length };
  });
  const byCrop: Calibration['byCrop'] = {};
  for (const crop of [...new Set(rows.map((r) => r.crop))].sort()) {
    const entries = byPoint.flatMap(({ point, scale }) => {
      const at = rows.filter((r) => r.crop === crop && r.point === point);
      if (at.length === 0) return [];
      const fraction = at.reduce((s, r) => s + r.seasonFraction, 0) / at.length;
      return [{ fraction: round(fraction, 4), scale }];
    });
    byCrop[crop] = {
      seasonFractions: entries.map((e) => e.fraction),
      scale: entries.map((e) => e.scale),
    };
  }
  return {
    method: 'cqr-scaled',
    byPoint,
    byCrop,
    calibrationRows: rows.length,
    reference: CQR_REFERENCE,
  };
}

function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]!) return ys[0]!;
  for (let i = 1; i < xs.length; i++)
    if (x <= xs[i]!)
      return ys[i - 1]! + ((x - xs[i - 1]!) / (xs[i]! - xs[i - 1]!)) * (ys[i]! - ys[i - 1]!);
  return ys.at(-1)!;
}

/**
 * The calibrated band at a season fraction: [P10 − E̅w, P90 + E̅w] with w = P90 − P10, kept around
 * P50 when E̅ narrows it, never below zero.
 */
export function calibratedBand(
  calibration: Calibration,
  forecast: Forecast,
  at: { crop: string; seasonFraction: number },
): Forecast {
  // A crop the calibration never saw: the pooled E̅, taking the feature for the point.
  const curve = calibration.byCrop[at.crop] ?? {
    seasonFractions: calibration.byPoint.map((p) => p.point),
    scale: calibration.byPoint.map((p) => p.scale),
  };
  const e = interpolate(curve.seasonFractions, curve.scale, at.seasonFraction);
  const width = Math.max(MIN_WIDTH_THA, forecast.p90THa - forecast.p10THa);
  return {
    p10THa: Math.max(0, Math.min(forecast.p50THa, forecast.p10THa - e * width)),
    p50THa: Math.max(0, forecast.p50THa),
    p90THa: Math.max(0, forecast.p50THa, forecast.p90THa + e * width),
  };
}

/** A legacy version's additive margin for a crop at a season fraction. */
export function legacyWidening(
  calibration: LegacyCalibration,
  { crop, seasonFraction }: { crop: string; seasonFraction: number },
): number {
  const c = calibration.byCrop[crop];
  if (c === undefined)
    return Math.max(0, ...Object.values(calibration.byCrop).flatMap((v) => v.widenTHa));
  return interpolate(c.seasonFractions, c.widenTHa, seasonFraction);
}
