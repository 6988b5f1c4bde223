import type { Scenario, ScenarioField } from '../scenarios/scenario.js';
import { gaussian, rng, type Rng } from '../random/rng.js';
import {
  profileWaterContent,
  stepDepletion,
  totalAvailableWaterMm,
  type SoilProfile,
} from './soil-water.js';
import { daylightShare, rainBetween, solarHour, weatherAt } from './weather.js';

/** Depletion fraction p for the world's crops (FAO-56 Table 22; teff is not listed: 0.5 assumed). */
const WORLD_DEPLETION_FRACTION: Record<string, number> = { maize: 0.55, teff: 0.5 };
const STEP_MS = 15 * 60_000;

export interface World {
  readonly timeMs: number;
  /** Runs the world's water balance forward to `timeMs`. */
  advanceTo(timeMs: number): void;
  /** Irrigation applied to a field now, mm over the field. */
  irrigate(fieldId: string, mm: number): void;
  depletionMm(fieldId: string): number;
  soilSample(deviceId: string, fieldId: string): Record<string, number>;
  weatherSample(fieldId: string, fromMs: number): Record<string, number>;
}

/** Sensor imperfection: each probe has a fixed calibration offset and reads with white noise. */
const PROBE_BIAS_SD = 0.004;
const PROBE_NOISE_SD = 0.003;

export function createWorld(scenario: Scenario, startMs: number): World {
  const random: Rng = rng(scenario.seed);
  const soils = new Map<string, SoilProfile>();
  const depletion = new Map<string, number>();
  const probeBias = new Map<string, number>();
  for (const field of scenario.fields) {
    const soil = soilOf(field);
    soils.set(field.id, soil);
    depletion.set(field.id, field.initialDepletionFraction * totalAvailableWaterMm(soil));
  }
  for (const device of scenario.devices) probeBias.set(device.id, PROBE_BIAS_SD * gaussian(random));
  let now = startMs;

  const field = (id: string) => {
    const found = scenario.fields.find((f) => f.id === id);
    if (found === undefined) throw new Error(`no field ${id} in scenario ${scenario.id}`);
    return found;
  };

  return {
    get timeMs() {
      return now;
    },
    advanceTo(timeMs) {
      while (now < timeMs) {
        const to = Math.min(timeMs, now + STEP_MS);
        const hours = (to - now) / 3_600_000;
        const share = daylightShare(solarHour(now, scenario.site.longitudeDeg), hours);
        const rainMm = rainBetween(scenario, startMs, now, to);
        for (const f of scenario.fields) {
          const dr = stepDepletion(soils.get(f.id)!, depletion.get(f.id)!, {
            etcMm: f.etcMmPerDay * share,
            rainMm,
            irrigationMm: 0,
          });
          depletion.set(f.id, dr);
        }
        now = to;
      }
    },
    irrigate(fieldId, mm) {
      const soil = soils.get(fieldId)!;
      depletion.set(
        fieldId,
        stepDepletion(soil, depletion.get(fieldId)!, { etcMm: 0, rainMm: 0, irrigationMm: mm }),
      );
    },
    depletionMm: (fieldId) => depletion.get(field(fieldId).id)!,
    soilSample(deviceId, fieldId) {
      const soil = soils.get(field(fieldId).id)!;
      const profile = profileWaterContent(soil, depletion.get(fieldId)!);
      const bias = probeBias.get(deviceId) ?? 0;
      const read = (v: number) =>
        round(Math.max(0, v + bias + PROBE_NOISE_SD * gaussian(random)), 4);
      const weather = weatherAt(scenario, now);
      return {
        vwc10: read(profile.vwc10),
        vwc30: read(profile.vwc30),
        vwc60: read(profile.vwc60),
        // Soil at 10 cm follows air temperature, damped and lagged.
        soilTempC: round(
          scenario.climate.meanTempC + 0.4 * (weather.airTempC - scenario.climate.meanTempC),
          2,
        ),
        ecDsM: round(0.2 + 2 * profile.vwc30, 3),
        batteryPct: 96,
      };
    },
    weatherSample(fieldId, fromMs) {
      field(fieldId);
      const w = weatherAt(scenario, now);
      return {
        airTempC: round(w.airTempC + 0.2 * gaussian(random), 2),
        rhPct: round(w.rhPct, 1),
        windMs: round(w.windMs, 2),
        solarWm2: round(w.solarWm2, 0),
        rainMm: round(rainBetween(scenario, startMs, fromMs, now), 1),
        pressureKPa: round(w.pressureKPa, 2),
        batteryPct: 98,
      };
    },
  };
}

export function soilOf(field: ScenarioField): SoilProfile {
  return {
    fieldCapacity: field.soil.fieldCapacity,
    wiltingPoint: field.soil.wiltingPoint,
    rootDepthM: field.rootDepthM,
    depletionFraction: WORLD_DEPLETION_FRACTION[field.crop] ?? 0.5,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
