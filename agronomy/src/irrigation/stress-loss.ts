import type { CropParameters } from '../crops/crop-parameters.js';
import { nominalSeasonDays } from '../crops/crop-parameters.js';
import { cropDay } from '../water-balance/crop-coefficient.js';
import { waterStressCoefficient } from '../water-balance/soil-water.js';

export const STRESS_LOSS_SOURCE =
  'FAO-56 eq. 84 (Ks = ETa/ETc); FAO-33 (Doorenbos & Kassam 1979): 1 - Ya/Ym = Ky (1 - ETa/ETc)';

export interface DayLateInput {
  crop: CropParameters;
  daysAfterSowing: number;
  maxRootDepthM: number;
  /** Root-zone depletion the late day starts from, mm. */
  drMm: number;
  tawMm: number;
  /** The depletion fraction p of the day (FAO-56 Table 22, adjusted for ETc). */
  p: number;
  /** The day's Kc (from the calendar or the canopy). */
  kc: number;
}

export interface DayLateLoss {
  /** Ks over the late day: its ETa / ETc (FAO-56 eq. 84). */
  ks: number;
  /** The day's share of the season's crop ET: Kc(day) / sum of Kc over the season. */
  seasonShare: number;
  /** Yield lost by the day's stress, % of the attainable yield Ym. */
  lossPct: number;
}

/**
 * The yield one more day without water costs. FAO-33's yield response, 1 - Ya/Ym = Ky (1 -
 * ETa/ETc), holds for the season's totals; a day's shortfall (1 - Ks) ETc(day) is a share of the
 * season's ETc, so the day costs Ky (1 - Ks) ETc(day) / ETc(season). With the day's ET0 taken as
 * the season's, ET0 cancels and ETc(day) / ETc(season) = Kc(day) / sum of Kc over the season.
 * FAO-33's stage Ky (higher at flowering) would weigh the day more; the seasonal Ky is the one
 * the crop tables give for every crop.
 */
export function yieldLossPerDayLate(input: DayLateInput): DayLateLoss {
  const { crop, drMm, tawMm, p, kc } = input;
  const ks = waterStressCoefficient(drMm, tawMm, p); // FAO-56 eq. 84
  const seasonKc = seasonKcSum(crop, input.maxRootDepthM);
  const seasonShare = seasonKc <= 0 ? 0 : kc / seasonKc;
  const lossPct = 100 * crop.ky * (1 - ks) * seasonShare; // FAO-33
  return { ks, seasonShare, lossPct };
}

/** Sum of the daily Kc over the crop's nominal season (FAO-56 eq. 66 day by day). */
function seasonKcSum(crop: CropParameters, maxRootDepthM: number): number {
  let sum = 0;
  for (let d = 0; d < nominalSeasonDays(crop); d++) sum += cropDay(crop, d, maxRootDepthM).kc;
  return sum;
}
