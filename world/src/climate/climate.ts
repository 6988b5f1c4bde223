import { DAY_MS } from '@shamba/schemas';
import type { Rng } from '../random/rng.js';
import { gaussian, rng } from '../random/rng.js';
import {
  clearSkyRadiation,
  dayOfYear,
  extraterrestrialRadiation,
  hargreavesEt0,
  radiationFromTemperature,
  saturationVapourPressure,
} from './solar.js';

/** Long-term monthly means for a site, January first. */
export interface MonthlyNormal {
  tMaxC: number;
  tMinC: number;
  rhMeanPct: number;
  windMs: number;
  rainMm: number;
  rainDays: number;
}

export interface Climate {
  monthly: MonthlyNormal[];
  /** Rain multiplier: 1 normal, 0.3 a drought year. */
  rainFactor?: number | undefined;
}

export interface DailyWeather {
  tMaxC: number;
  tMinC: number;
  rhMeanPct: number;
  windMs: number;
  rainMm: number;
  /** Solar time the day's rain starts, hours; it falls over two hours. */
  rainStartHour: number;
  /** Solar radiation, MJ m-2 day-1. */
  solarMJ: number;
  et0Mm: number;
  /** Actual vapour pressure, kPa. */
  vapourKPa: number;
}

export interface Site {
  latitudeDeg: number;
  elevationM: number;
}

/** What a place's weather is drawn from (a scenario is one): its normals, site and seed. */
export interface WeatherSource {
  climate: Climate;
  site: Site;
  seed: number;
}

/**
 * A day of weather from the month's normals: a wet day with probability rainDays / days in
 * month, exponential amounts with the month's mean (a Richardson-type generator without the
 * Markov chain), cooler wetter days, radiation from the temperature range (FAO-56 eq. 50) and
 * Hargreaves ET0 (eq. 52). Seeded per day, so any day can be produced again in any order.
 */
export function dailyWeather(
  { climate, site, seed }: WeatherSource,
  dayStartMs: number,
): DailyWeather {
  const random: Rng = rng((seed ^ Math.floor(dayStartMs / DAY_MS)) >>> 0);
  const date = new Date(dayStartMs);
  const normal = climate.monthly[date.getUTCMonth()]!;
  const daysInMonth = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
  ).getUTCDate();
  const wet = random() < normal.rainDays / daysInMonth;
  const meanWetMm = normal.rainDays > 0 ? normal.rainMm / normal.rainDays : 0;
  const rainMm = wet ? -meanWetMm * Math.log(1 - random()) * (climate.rainFactor ?? 1) : 0;
  const tMaxC = normal.tMaxC - (wet ? 2 : 0) + 1.2 * gaussian(random);
  const tMinC = Math.min(tMaxC - 3, normal.tMinC + (wet ? 1 : 0) + 1.0 * gaussian(random));
  const rhMeanPct = Math.min(95, normal.rhMeanPct + (wet ? 10 : 0) + 4 * gaussian(random));
  const ra = extraterrestrialRadiation(site.latitudeDeg, dayOfYear(dayStartMs));
  const rso = clearSkyRadiation(ra, site.elevationM);
  const solarMJ =
    radiationFromTemperature({ extraterrestrialMJ: ra, clearSkyMJ: rso, tMaxC, tMinC }) *
    (wet ? 0.75 : 1);
  // FAO-56 eq. 19 read backwards: ea from mean relative humidity and e0 at Tmax and Tmin.
  const vapourKPa =
    (rhMeanPct / 100) * ((saturationVapourPressure(tMaxC) + saturationVapourPressure(tMinC)) / 2);
  return {
    tMaxC,
    tMinC,
    rhMeanPct,
    windMs: Math.max(0.3, normal.windMs * (0.7 + 0.6 * random())),
    rainMm,
    rainStartHour: 13 + 5 * random(),
    solarMJ,
    et0Mm: hargreavesEt0(ra, tMaxC, tMinC),
    vapourKPa,
  };
}

/** Air temperature at a solar hour: minimum at 06:00, maximum at 15:00, cosine in between. */
export function temperatureAt(day: DailyWeather, hour: number): number {
  const range = day.tMaxC - day.tMinC;
  if (hour >= 6 && hour <= 15)
    return day.tMinC + (range * (1 - Math.cos((Math.PI * (hour - 6)) / 9))) / 2;
  const since = (hour - 15 + 24) % 24; // 0..15 hours of cooling
  return day.tMaxC - (range * (1 - Math.cos((Math.PI * since) / 15))) / 2;
}
