/**
 * The FAO Penman-Monteith equation for the hypothetical grass reference (h = 0.12 m,
 * rs = 70 s m-1, albedo 0.23), FAO-56 chapter 2.
 */
export interface PenmanMonteithTerms {
  /** Net radiation at the crop surface, MJ m-2 per period. */
  rn: number;
  /** Soil heat flux density, MJ m-2 per period. */
  g: number;
  /** Mean air temperature at 2 m, °C. */
  tC: number;
  /** Wind speed at 2 m, m s-1. */
  u2: number;
  /** Saturation and actual vapour pressure, kPa. */
  es: number;
  ea: number;
  /** Slope of the vapour pressure curve, kPa °C-1. */
  delta: number;
  /** Psychrometric constant, kPa °C-1. */
  gamma: number;
}

/** Reference evapotranspiration of a day, mm day-1. FAO-56 eq. 6. */
export function dailyPenmanMonteith(t: PenmanMonteithTerms): number {
  return combination(t, 900);
}

/** Reference evapotranspiration of an hour, mm hour-1. FAO-56 eq. 53. */
export function hourlyPenmanMonteith(t: PenmanMonteithTerms): number {
  return combination(t, 37);
}

/**
 * 0.408 converts MJ m-2 to mm of evaporated water (1 / λ, FAO-56 eq. 20); the numerator
 * coefficient is 900 for a day and 37 for an hour (900 / 24, rounded in FAO-56).
 */
function combination(t: PenmanMonteithTerms, cn: number): number {
  const { rn, g, tC, u2, es, ea, delta, gamma } = t;
  return (
    (0.408 * delta * (rn - g) + gamma * (cn / (tC + 273)) * u2 * (es - ea)) /
    (delta + gamma * (1 + 0.34 * u2))
  );
}
