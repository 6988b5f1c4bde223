import { cropParameters } from '@shamba/agronomy';

/** One day of a field's season as the system knows it. */
export interface SeasonDay {
  tMaxC: number;
  tMinC: number;
  rainMm: number;
  /** NDVI of the field that day (interpolated between scenes), or null when none is known yet. */
  ndvi: number | null;
  /** Crop ET under stress and without, mm (from the water balance). */
  etaMm: number;
  etcMm: number;
  /** Reference ET of the day, mm (FAO-56 eq. 6). */
  et0Mm: number;
}

/** Crops with their own input; others share `other`. */
export const YIELD_CROPS = ['maize', 'teff', 'wheat', 'sorghum', 'beans'] as const;

export const FEATURE_NAMES = [
  'seasonFraction',
  'ndviIntegral',
  'ndviPeak',
  'gddPerDay',
  'etaOverEtc',
  'rainMm',
  'rainOverEt0',
  'nitrogenKgHa',
  'tawMm',
  ...YIELD_CROPS.map((c) => `crop:${c}`),
  'crop:other',
] as const;

export interface YieldFeatureInput {
  crop: string;
  /** The season so far, from sowing; today last. */
  days: readonly SeasonDay[];
  seasonLengthDays: number;
  nitrogenKgHa: number;
  tawMm: number;
}

/** Base temperature for growing degree days, °C: the usual 10 °C of maize and sorghum models. */
export const GDD_BASE_C = 10;

/**
 * The features of the yield forecast, to date: how far into the season, canopy (NDVI integral
 * per season day and peak), heat (GDD per day), water stress (ETa/ETc so far), rain, N, soil
 * water capacity and crop. Same function in training and in forecasting.
 */
export function yieldFeatures(input: YieldFeatureInput): number[] {
  const { days } = input;
  const n = Math.max(1, days.length);
  const ndvis = days.map((d) => d.ndvi).filter((v): v is number => v !== null);
  const eta = days.reduce((s, d) => s + d.etaMm, 0);
  const etc = days.reduce((s, d) => s + d.etcMm, 0);
  const et0 = days.reduce((s, d) => s + d.et0Mm, 0);
  const gdd = days.reduce((s, d) => s + Math.max(0, (d.tMaxC + d.tMinC) / 2 - GDD_BASE_C), 0);
  const crop = (YIELD_CROPS as readonly string[]).includes(input.crop) ? input.crop : 'other';
  return [
    Math.min(1, days.length / input.seasonLengthDays),
    ndvis.reduce((s, v) => s + v, 0) / input.seasonLengthDays,
    ndvis.length === 0 ? 0 : Math.max(...ndvis),
    gdd / n,
    etc > 0 ? eta / etc : 1,
    days.reduce((s, d) => s + d.rainMm, 0),
    // Supply over demand so far: in a failed-rains year it is low from the start, and says
    // more about the weeks ahead than the rain total alone.
    et0 > 0 ? days.reduce((s, d) => s + d.rainMm, 0) / et0 : 0,
    input.nitrogenKgHa,
    input.tawMm,
    ...YIELD_CROPS.map((c) => (c === crop ? 1 : 0)),
    crop === 'other' ? 1 : 0,
  ];
}

/**
 * FAO-33's water production function, the physics baseline shown beside the model:
 * 1 − Ya/Ym = Ky (1 − ETa/ETm) (Doorenbos & Kassam 1979, eq. 1), with ETa/ETm so far.
 */
export function fao33Yield(
  crop: string,
  etaOverEtc: number,
): { yieldTHa: number; ky: number; ymTHa: number } {
  const p = cropParameters(crop);
  const yieldTHa = Math.max(0, p.attainableYieldTHa * (1 - p.ky * (1 - Math.min(1, etaOverEtc))));
  return { yieldTHa, ky: p.ky, ymTHa: p.attainableYieldTHa };
}
