import { DAY_MS } from '@shamba/schemas';

/**
 * Solar geometry and radiation as FAO-56 (Allen, Pereira, Raes, Smith 1998, chapter 3) gives
 * them, for the simulated world's weather. Angles in radians unless the name says degrees.
 */
const SOLAR_CONSTANT = 0.082; // MJ m-2 min-1, FAO-56 eq. 21

/** Inverse relative Earth-Sun distance. FAO-56 eq. 23. */
export function inverseRelativeDistance(dayOfYear: number): number {
  return 1 + 0.033 * Math.cos(((2 * Math.PI) / 365) * dayOfYear);
}

/** Solar declination, rad. FAO-56 eq. 24. */
export function solarDeclination(dayOfYear: number): number {
  return 0.409 * Math.sin(((2 * Math.PI) / 365) * dayOfYear - 1.39);
}

/** Sunset hour angle, rad. FAO-56 eq. 25 (clamped so polar days and nights stay defined). */
export function sunsetHourAngle(latitudeRad: number, declinationRad: number): number {
  return Math.acos(Math.min(1, Math.max(-1, -Math.tan(latitudeRad) * Math.tan(declinationRad))));
}

/** Extraterrestrial radiation for a day, MJ m-2 day-1. FAO-56 eq. 21. */
export function extraterrestrialRadiation(latitudeDeg: number, dayOfYear: number): number {
  const phi = (latitudeDeg * Math.PI) / 180;
  const dr = inverseRelativeDistance(dayOfYear);
  const delta = solarDeclination(dayOfYear);
  const ws = sunsetHourAngle(phi, delta);
  return (
    ((24 * 60) / Math.PI) *
    SOLAR_CONSTANT *
    dr *
    (ws * Math.sin(phi) * Math.sin(delta) + Math.cos(phi) * Math.cos(delta) * Math.sin(ws))
  );
}

/** Daylight hours. FAO-56 eq. 34. */
export function daylightHours(latitudeDeg: number, dayOfYear: number): number {
  return (
    (24 / Math.PI) * sunsetHourAngle((latitudeDeg * Math.PI) / 180, solarDeclination(dayOfYear))
  );
}

/** Clear-sky solar radiation, MJ m-2 day-1. FAO-56 eq. 37. */
export function clearSkyRadiation(ra: number, elevationM: number): number {
  return (0.75 + 2e-5 * elevationM) * ra;
}

/** A day's inputs to Hargreaves' radiation formula (FAO-56 eq. 50), radiation in MJ m-2 day-1. */
export interface TemperatureRangeDay {
  /** Ra, extraterrestrial radiation (eq. 21). */
  extraterrestrialMJ: number;
  /** Rso, clear-sky radiation (eq. 37): Rs is never above it. */
  clearSkyMJ: number;
  /** Tmax, daily maximum air temperature, °C. */
  tMaxC: number;
  /** Tmin, daily minimum air temperature, °C. */
  tMinC: number;
  /** kRs, the adjustment coefficient, °C^-0.5: 0.16 inland (the default), 0.19 coastal. */
  adjustmentKRs?: number;
}

/**
 * Solar radiation from the temperature range (Hargreaves' radiation formula), MJ m-2 day-1,
 * never above clear sky: Rs = min(Rso, kRs sqrt(Tmax - Tmin) Ra). FAO-56 eq. 50.
 */
export function radiationFromTemperature({
  extraterrestrialMJ: ra,
  clearSkyMJ: rso,
  tMaxC,
  tMinC,
  adjustmentKRs: kRs = 0.16,
}: TemperatureRangeDay): number {
  return Math.min(rso, kRs * Math.sqrt(Math.max(0, tMaxC - tMinC)) * ra);
}

/**
 * Hargreaves reference evapotranspiration, mm/day: FAO-56 eq. 52, with Ra converted to mm/day of
 * evaporation by 0.408 (eq. 20). The world uses it as its own truth; the analytics estimate ET0
 * by Penman-Monteith from the sensors, so the two are not the same formula.
 */
export function hargreavesEt0(ra: number, tMaxC: number, tMinC: number): number {
  const tMean = (tMaxC + tMinC) / 2;
  return 0.0023 * (tMean + 17.8) * Math.sqrt(Math.max(0, tMaxC - tMinC)) * 0.408 * ra;
}

/** Saturation vapour pressure, kPa. FAO-56 eq. 11. */
export function saturationVapourPressure(tC: number): number {
  return 0.6108 * Math.exp((17.27 * tC) / (tC + 237.3));
}

/** Day of the year, 1-366, of a UTC time. */
export function dayOfYear(timeMs: number): number {
  const d = new Date(timeMs);
  return Math.floor((timeMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}
