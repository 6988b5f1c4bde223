/**
 * Radiation, FAO-56 chapter 3 "Radiation". Angles in radians unless the name says degrees;
 * energy in MJ m-2 per period (day or hour as the function says).
 */
const SOLAR_CONSTANT = 0.082; // Gsc, MJ m-2 min-1, FAO-56 eq. 21
const STEFAN_BOLTZMANN_DAY = 4.903e-9; // σ, MJ K-4 m-2 day-1, FAO-56 eq. 39
const STEFAN_BOLTZMANN_HOUR = 2.043e-10; // σ per hour, FAO-56 eq. 39 for hourly periods
/** Albedo of the hypothetical grass reference crop. FAO-56 eq. 38. */
export const REFERENCE_ALBEDO = 0.23;
/** Ångström coefficients where no calibration exists. FAO-56 eq. 35. */
export const ANGSTROM_A = 0.25;
export const ANGSTROM_B = 0.5;

const radians = (deg: number) => (deg * Math.PI) / 180;

/** Inverse relative Earth-Sun distance dr. FAO-56 eq. 23. */
export function inverseRelativeDistance(dayOfYear: number): number {
  return 1 + 0.033 * Math.cos(((2 * Math.PI) / 365) * dayOfYear);
}

/** Solar declination δ, rad. FAO-56 eq. 24. */
export function solarDeclination(dayOfYear: number): number {
  return 0.409 * Math.sin(((2 * Math.PI) / 365) * dayOfYear - 1.39);
}

/**
 * Sunset hour angle ωs, rad. FAO-56 eq. 25; the argument is clamped to [-1, 1] so that polar day
 * (ωs = π) and polar night (ωs = 0) stay defined (FAO-56 eq. 26-27 reach the same limits).
 */
export function sunsetHourAngle(latitudeRad: number, declinationRad: number): number {
  return Math.acos(Math.min(1, Math.max(-1, -Math.tan(latitudeRad) * Math.tan(declinationRad))));
}

/** Extraterrestrial radiation of a day Ra, MJ m-2 day-1. FAO-56 eq. 21. */
export function dailyExtraterrestrialRadiation(latitudeDeg: number, dayOfYear: number): number {
  const phi = radians(latitudeDeg);
  const delta = solarDeclination(dayOfYear);
  const ws = sunsetHourAngle(phi, delta);
  return (
    ((24 * 60) / Math.PI) *
    SOLAR_CONSTANT *
    inverseRelativeDistance(dayOfYear) *
    (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws))
  );
}

/** Seasonal correction for solar time Sc, hours. FAO-56 eq. 32 and 33. */
export function seasonalCorrectionHours(dayOfYear: number): number {
  const b = (2 * Math.PI * (dayOfYear - 81)) / 364; // eq. 33
  return 0.1645 * Math.sin(2 * b) - 0.1255 * Math.cos(b) - 0.025 * Math.sin(b); // eq. 32
}

/**
 * Solar time angle ω at the midpoint of a period, rad. FAO-56 eq. 31, with longitudes east
 * positive: FAO's (Lz − Lm) in degrees west equals (longitude − standard meridian) east.
 */
export function solarTimeAngle(options: {
  midpointHour: number;
  dayOfYear: number;
  longitudeDeg: number;
  standardMeridianDeg: number;
}): number {
  const { midpointHour, dayOfYear, longitudeDeg, standardMeridianDeg } = options;
  const solarHour =
    midpointHour +
    0.06667 * (longitudeDeg - standardMeridianDeg) +
    seasonalCorrectionHours(dayOfYear);
  return (Math.PI / 12) * (solarHour - 12);
}

/**
 * Extraterrestrial radiation of a period of an hour or shorter, MJ m-2 per period. FAO-56 eq. 28,
 * with the period's end angles from eq. 29-30, clipped to sunrise and sunset (FAO-56: Ra is zero
 * when the sun is below the horizon).
 */
export function periodExtraterrestrialRadiation(options: {
  latitudeDeg: number;
  dayOfYear: number;
  solarTimeAngleRad: number;
  periodHours: number;
}): number {
  const phi = radians(options.latitudeDeg);
  const delta = solarDeclination(options.dayOfYear);
  const ws = sunsetHourAngle(phi, delta);
  const half = (Math.PI * options.periodHours) / 24;
  const w1 = Math.max(-ws, Math.min(ws, options.solarTimeAngleRad - half)); // eq. 29
  const w2 = Math.max(-ws, Math.min(ws, options.solarTimeAngleRad + half)); // eq. 30
  if (w2 <= w1) return 0;
  return (
    ((12 * 60) / Math.PI) *
    SOLAR_CONSTANT *
    inverseRelativeDistance(options.dayOfYear) *
    ((w2 - w1) * Math.sin(phi) * Math.sin(delta) +
      Math.cos(phi) * Math.cos(delta) * (Math.sin(w2) - Math.sin(w1)))
  );
}

/** Daylight hours N. FAO-56 eq. 34. */
export function daylightHours(latitudeDeg: number, dayOfYear: number): number {
  return (24 / Math.PI) * sunsetHourAngle(radians(latitudeDeg), solarDeclination(dayOfYear));
}

/** Solar radiation from sunshine hours n (Ångström), MJ m-2 day-1. FAO-56 eq. 35. */
export function radiationFromSunshine(ra: number, sunshineHours: number, daylight: number): number {
  return (ANGSTROM_A + (ANGSTROM_B * sunshineHours) / daylight) * ra;
}

/**
 * Solar radiation from the temperature range (Hargreaves' radiation formula), MJ m-2 day-1.
 * FAO-56 eq. 50; kRs 0.16 for interior and 0.19 for coastal locations. Rs cannot exceed Rso.
 */
export function radiationFromTemperatureRange(options: {
  ra: number;
  rso: number;
  tMaxC: number;
  tMinC: number;
  kRs: number;
}): number {
  const { ra, rso, tMaxC, tMinC, kRs } = options;
  return Math.min(rso, kRs * Math.sqrt(tMaxC - tMinC) * ra);
}

/** Clear-sky solar radiation Rso, in Ra's unit. FAO-56 eq. 37 (no calibrated as, bs). */
export function clearSkyRadiation(ra: number, elevationM: number): number {
  return (0.75 + 2e-5 * elevationM) * ra;
}

/** Net shortwave radiation Rns. FAO-56 eq. 38. */
export function netShortwaveRadiation(rs: number, albedo = REFERENCE_ALBEDO): number {
  return (1 - albedo) * rs;
}

/** The cloudiness term of eq. 39, 1.35 Rs/Rso − 0.35, with Rs/Rso limited to ≤ 1.0. */
function cloudFactor(rsRsoRatio: number): number {
  return 1.35 * Math.min(1, rsRsoRatio) - 0.35;
}

/** Net longwave radiation of a day Rnl, MJ m-2 day-1. FAO-56 eq. 39 (mean of Tmax⁴ and Tmin⁴). */
export function dailyNetLongwaveRadiation(options: {
  tMaxC: number;
  tMinC: number;
  eaKPa: number;
  rsRsoRatio: number;
}): number {
  const { tMaxC, tMinC, eaKPa, rsRsoRatio } = options;
  const t4 = ((tMaxC + 273.16) ** 4 + (tMinC + 273.16) ** 4) / 2;
  return STEFAN_BOLTZMANN_DAY * t4 * (0.34 - 0.14 * Math.sqrt(eaKPa)) * cloudFactor(rsRsoRatio);
}

/** Net longwave radiation of an hour Rnl, MJ m-2 hour-1. FAO-56 eq. 39 with σ per hour. */
export function hourlyNetLongwaveRadiation(options: {
  tC: number;
  eaKPa: number;
  rsRsoRatio: number;
}): number {
  const { tC, eaKPa, rsRsoRatio } = options;
  return (
    STEFAN_BOLTZMANN_HOUR *
    (tC + 273.16) ** 4 *
    (0.34 - 0.14 * Math.sqrt(eaKPa)) *
    cloudFactor(rsRsoRatio)
  );
}

/**
 * Soil heat flux of an hour under the grass reference, from net radiation. FAO-56 eq. 45
 * (daylight, 0.1 Rn) and eq. 46 (night, 0.5 Rn).
 */
export function hourlySoilHeatFlux(rn: number, daylight: boolean): number {
  return (daylight ? 0.1 : 0.5) * rn;
}
