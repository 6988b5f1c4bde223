/**
 * Atmospheric parameters and wind, FAO-56 chapter 3 (Allen, Pereira, Raes, Smith 1998).
 * Pressures in kPa, temperatures in °C, heights in m.
 */

/** Atmospheric pressure from elevation, kPa. FAO-56 eq. 7. */
export function atmosphericPressureKPa(elevationM: number): number {
  return 101.3 * ((293 - 0.0065 * elevationM) / 293) ** 5.26;
}

/** Psychrometric constant γ, kPa °C-1. FAO-56 eq. 8 (λ = 2.45 MJ kg-1, cp = 1.013e-3 MJ kg-1 °C-1). */
export function psychrometricConstant(pressureKPa: number): number {
  return 0.665e-3 * pressureKPa;
}

/** Wind speed at 2 m from a measurement at height z, m s-1. FAO-56 eq. 47 (logarithmic profile). */
export function windSpeedAt2m(windSpeedMs: number, heightM: number): number {
  if (heightM === 2) return windSpeedMs;
  return (windSpeedMs * 4.87) / Math.log(67.8 * heightM - 5.42);
}
