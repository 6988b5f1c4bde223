/** Vapour pressure, FAO-56 chapter 3 "Air humidity". kPa and °C throughout. */

/** Saturation vapour pressure at temperature T, kPa. FAO-56 eq. 11. */
export function saturationVapourPressure(tC: number): number {
  return 0.6108 * Math.exp((17.27 * tC) / (tC + 237.3));
}

/**
 * Mean saturation vapour pressure of a day: the mean of e° at Tmax and Tmin, not e° at the mean
 * temperature, because e° is not linear in T. FAO-56 eq. 12.
 */
export function meanSaturationVapourPressure(tMaxC: number, tMinC: number): number {
  return (saturationVapourPressure(tMaxC) + saturationVapourPressure(tMinC)) / 2;
}

/** Slope of the saturation vapour pressure curve Δ at T, kPa °C-1. FAO-56 eq. 13. */
export function saturationSlope(tC: number): number {
  return (4098 * saturationVapourPressure(tC)) / (tC + 237.3) ** 2;
}

/** Actual vapour pressure from the dew point, kPa. FAO-56 eq. 14. */
export function eaFromDewPoint(tDewC: number): number {
  return saturationVapourPressure(tDewC);
}

/** A day's temperature extremes and relative humidity extremes: the inputs of FAO-56 eq. 17. */
export interface DailyHumidityExtremes {
  /** Tmax, daily maximum air temperature, °C. */
  tMaxC: number;
  /** Tmin, daily minimum air temperature, °C. */
  tMinC: number;
  /** RHmax, daily maximum relative humidity (near dawn, at Tmin), %. */
  rhMaxPct: number;
  /** RHmin, daily minimum relative humidity (mid-afternoon, at Tmax), %. */
  rhMinPct: number;
}

/**
 * Actual vapour pressure from RHmax and RHmin, kPa:
 * ea = (e°(Tmin) RHmax/100 + e°(Tmax) RHmin/100) / 2. FAO-56 eq. 17.
 */
export function eaFromRhMaxMin({ tMaxC, tMinC, rhMaxPct, rhMinPct }: DailyHumidityExtremes) {
  return (
    (saturationVapourPressure(tMinC) * (rhMaxPct / 100) +
      saturationVapourPressure(tMaxC) * (rhMinPct / 100)) /
    2
  );
}

/** Actual vapour pressure from RHmax alone (when RHmin is unreliable), kPa. FAO-56 eq. 18. */
export function eaFromRhMax(tMinC: number, rhMaxPct: number): number {
  return saturationVapourPressure(tMinC) * (rhMaxPct / 100);
}

/** Actual vapour pressure from mean RH, kPa. FAO-56 eq. 19 (less reliable than eq. 17 or 18). */
export function eaFromRhMean(tMaxC: number, tMinC: number, rhMeanPct: number): number {
  return (rhMeanPct / 100) * meanSaturationVapourPressure(tMaxC, tMinC);
}

/**
 * Actual vapour pressure when humidity is missing: the dew point is taken as Tmin, which holds
 * where the reference crop is well watered. FAO-56 eq. 48 (§"Estimating missing humidity data").
 */
export function eaFromTMin(tMinC: number): number {
  return saturationVapourPressure(tMinC);
}

/** Actual vapour pressure of a period from its relative humidity, kPa. FAO-56 eq. 54 (hourly). */
export function eaFromRh(tC: number, rhPct: number): number {
  return saturationVapourPressure(tC) * (rhPct / 100);
}
