import { waterStressCoefficient } from './soil-water.js';

export interface WaterBalanceDay {
  /** Root-zone depletion at the end of the previous day, mm. */
  drPreviousMm: number;
  /** Reference evapotranspiration of the day, mm. */
  et0Mm: number;
  /** Crop coefficient of the day. */
  kc: number;
  rainMm: number;
  /** Surface runoff of the day's rain, mm (0 unless a runoff model gives it). */
  runoffMm?: number;
  irrigationMm: number;
  /** Capillary rise from a shallow water table, mm (0 where it is deeper than about 1 m below Zr). */
  capillaryRiseMm?: number;
  tawMm: number;
  depletionFraction: number;
}

export interface WaterBalanceResult {
  ks: number;
  /** Crop ET under standard conditions, Kc ET0, mm. FAO-56 eq. 58. */
  etcMm: number;
  /** Crop ET under water stress, Ks Kc ET0, mm. FAO-56 eq. 81. */
  etcAdjMm: number;
  /** Rain that counted: P − RO, or 0 for a shower below 0.2 ET0. */
  effectiveRainMm: number;
  /** Water lost below the root zone, mm. FAO-56 eq. 88. */
  deepPercolationMm: number;
  /** Root-zone depletion at the end of the day, mm. FAO-56 eq. 85, bounded by eq. 86. */
  drMm: number;
}

/**
 * One day of the FAO-56 single-coefficient root-zone water balance (chapter 8). Ks comes from the
 * depletion at the end of the previous day, as in FAO-56 Example 37.
 */
export function stepWaterBalance(day: WaterBalanceDay): WaterBalanceResult {
  const { drPreviousMm, et0Mm, kc, irrigationMm, tawMm, depletionFraction } = day;
  const runoff = day.runoffMm ?? 0;
  const capillaryRise = day.capillaryRiseMm ?? 0;
  // FAO-56 ch. 8 "Precipitation": daily rain below about 0.2 ET0 is normally entirely evaporated.
  const effectiveRainMm = day.rainMm < 0.2 * et0Mm ? 0 : Math.max(0, day.rainMm - runoff);
  const ks = waterStressCoefficient(drPreviousMm, tawMm, depletionFraction);
  const etcMm = kc * et0Mm;
  const etcAdjMm = ks * etcMm;
  const inflow = effectiveRainMm + irrigationMm + capillaryRise;
  const deepPercolationMm = Math.max(0, inflow - etcAdjMm - drPreviousMm); // eq. 88
  const drMm = Math.min(
    tawMm,
    Math.max(0, drPreviousMm - inflow + etcAdjMm + deepPercolationMm), // eq. 85, 86
  );
  return { ks, etcMm, etcAdjMm, effectiveRainMm, deepPercolationMm, drMm };
}
