import type { Scenario } from '../scenarios/scenario.js';
import { gaussian, type Rng } from '../random/rng.js';
import { temperatureAt, type DailyWeather } from '../climate/climate.js';
import { daylightHours, dayOfYear, saturationVapourPressure } from '../climate/solar.js';
import { profileWaterContent, type SoilProfile } from '../soil/soil-water.js';
import { pressureKPa, solarHour } from '../climate/weather.js';

/** Sensor imperfection: each probe has a fixed calibration offset and reads with white noise. */
const PROBE_BIAS_SD = 0.004;
const PROBE_NOISE_SD = 0.003;

/** Each probe's fixed calibration offset, volumetric water content, drawn in device order. */
export function probeBiases(devices: readonly { id: string }[], random: Rng): Map<string, number> {
  const bias = new Map<string, number>();
  for (const device of devices) bias.set(device.id, PROBE_BIAS_SD * gaussian(random));
  return bias;
}

export interface SoilReadingOptions {
  soil: SoilProfile;
  depletionMm: number;
  canopyCover: number;
  /** The probe's calibration offset, from `probeBiases`. */
  bias: number;
  weather: DailyWeather;
  /** Local solar hour of the reading. */
  hour: number;
  random: Rng;
}

/** What a soil probe reads in a zone now. */
export function soilReading(options: SoilReadingOptions): Record<string, number> {
  const { bias, random, weather: w } = options;
  const profile = profileWaterContent(options.soil, options.depletionMm);
  const read = (v: number) => round(Math.max(0, v + bias + PROBE_NOISE_SD * gaussian(random)), 4);
  const air = temperatureAt(w, options.hour);
  const meanAir = (w.tMaxC + w.tMinC) / 2;
  return {
    vwc10: read(profile.vwc10),
    vwc30: read(profile.vwc30),
    vwc60: read(profile.vwc60),
    // Soil at 10 cm follows the air, damped (under canopy, more so).
    soilTempC: round(meanAir + (0.5 - 0.3 * options.canopyCover) * (air - meanAir), 2),
    // Bulk EC rises with water content (Rhoades et al. 1976: linear in theta at low salinity).
    ecDsM: round(0.15 + 2.2 * profile.vwc30, 3),
  };
}

export interface WeatherReadingOptions {
  site: Scenario['site'];
  nowMs: number;
  /** Rain is summed from here to now. */
  sinceMs: number;
  /** The simulation step, over which rain is summed. */
  stepMs: number;
  weatherOn: (timeMs: number) => DailyWeather;
  random: Rng;
}

/** What a weather station reads now. */
export function weatherReading(options: WeatherReadingOptions): Record<string, number> {
  const { site, nowMs: now, stepMs, weatherOn, random } = options;
  const w = weatherOn(now);
  const hour = solarHour(now, site.longitudeDeg);
  const air = temperatureAt(w, hour);
  const n = daylightHours(site.latitudeDeg, dayOfYear(now));
  const sunrise = 12 - n / 2;
  const solar =
    hour > sunrise && hour < sunrise + n
      ? ((w.solarMJ * 1e6) / 3600) *
        (Math.PI / (2 * n)) *
        Math.sin((Math.PI * (hour - sunrise)) / n)
      : 0;
  let rain = 0;
  for (let t = options.sinceMs; t < now; t += stepMs) {
    const d = weatherOn(t);
    const h = solarHour(t, site.longitudeDeg) + 0.125;
    if (h >= d.rainStartHour && h < d.rainStartHour + 2)
      rain += (d.rainMm * Math.min(stepMs, now - t)) / (2 * 3_600_000);
  }
  return {
    airTempC: round(air + 0.2 * gaussian(random), 2),
    rhPct: round(Math.min(100, (100 * w.vapourKPa) / saturationVapourPressure(air)), 1),
    windMs: round(w.windMs * (0.6 + 0.8 * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12))), 2),
    solarWm2: Math.round(solar),
    rainMm: round(rain, 1),
    pressureKPa: round(pressureKPa(site.elevationM), 2),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
