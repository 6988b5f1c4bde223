import type { Scenario } from '../scenarios/scenario.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Local solar hour (0-24) at a longitude: UTC shifted by 4 minutes per degree. */
export function solarHour(timeMs: number, longitudeDeg: number): number {
  const utcHours = (timeMs % DAY_MS) / HOUR_MS;
  return (((utcHours + longitudeDeg / 15) % 24) + 24) % 24;
}

/**
 * Share of a day's evapotranspiration that falls in [h, h + dtH): proportional to a half-sine of
 * daylight from 06:00 to 18:00 solar time, whose integral over the day is 24/pi hours.
 */
export function daylightShare(hour: number, dtHours: number): number {
  const mid = hour + dtHours / 2;
  if (mid < 6 || mid > 18) return 0;
  return (Math.sin((Math.PI * (mid - 6)) / 12) * dtHours * Math.PI) / 24;
}

/** Atmospheric pressure from elevation, kPa. FAO-56 eq. 7. */
export function pressureKPa(elevationM: number): number {
  return 101.3 * ((293 - 0.0065 * elevationM) / 293) ** 5.26;
}

/** Rain (mm) falling in [fromMs, toMs) from the scenario's showers, each lasting one hour. */
export function rainBetween(
  scenario: Scenario,
  startMs: number,
  fromMs: number,
  toMs: number,
): number {
  let mm = 0;
  for (const event of scenario.rain) {
    const eventStart =
      startMs + event.dayOffset * DAY_MS + (event.hour - scenario.site.longitudeDeg / 15) * HOUR_MS;
    const overlap = Math.min(toMs, eventStart + HOUR_MS) - Math.max(fromMs, eventStart);
    if (overlap > 0) mm += (event.mm * overlap) / HOUR_MS;
  }
  return mm;
}

export interface WeatherSample {
  airTempC: number;
  rhPct: number;
  windMs: number;
  solarWm2: number;
  pressureKPa: number;
}

/** Smooth diurnal weather (issue 3 replaces it with FAO-56 radiation and seasons). */
export function weatherAt(scenario: Scenario, timeMs: number): WeatherSample {
  const hour = solarHour(timeMs, scenario.site.longitudeDeg);
  const { meanTempC, diurnalHalfRangeC, meanRhPct, meanWindMs } = scenario.climate;
  // Temperature peaks mid-afternoon (15:00), relative humidity at dawn.
  const phase = Math.sin((2 * Math.PI * (hour - 9)) / 24);
  return {
    airTempC: meanTempC + diurnalHalfRangeC * phase,
    rhPct: Math.min(100, Math.max(5, meanRhPct - 20 * phase)),
    windMs: Math.max(0, meanWindMs * (1 + 0.4 * phase)),
    solarWm2: hour > 6 && hour < 18 ? 950 * Math.sin((Math.PI * (hour - 6)) / 12) : 0,
    pressureKPa: pressureKPa(scenario.site.elevationM),
  };
}
