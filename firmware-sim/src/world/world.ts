import type { Scenario, ScenarioField } from '../scenarios/scenario.js';
import { gaussian, rng, type Rng } from '../random/rng.js';
import { dailyWeather, temperatureAt, type DailyWeather } from './climate.js';
import { ndvi, ndmi, surfaceReflectance } from './canopy-optics.js';
import {
  cropCoefficient,
  cropTruth,
  potentialCanopy,
  seasonLengthDays,
  waterLimitedYield,
  type CropTruth,
} from './crops.js';
import { daylightHours, dayOfYear, saturationVapourPressure } from './solar.js';
import {
  profileWaterContent,
  stepDepletion,
  totalAvailableWaterMm,
  type SoilProfile,
} from './soil-water.js';
import { pressureKPa, solarHour } from './weather.js';

const STEP_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

export interface CropState {
  dayAfterPlanting: number;
  canopyCover: number;
  potentialCanopyCover: number;
  /** 1 - Ks averaged over the last day: 0 unstressed, 1 wilting. */
  waterStress: number;
  nitrogenFactor: number;
  ndvi: number;
  ndmi: number;
  seasonEtaMm: number;
  seasonEtcMm: number;
  /** FAO-33 yield from the season's water so far, times the nitrogen factor, t/ha. */
  yieldTHa: number;
}

export interface World {
  readonly timeMs: number;
  advanceTo(timeMs: number): void;
  /** Irrigation applied to a field now, mm over the field. */
  irrigate(fieldId: string, mm: number): void;
  depletionMm(fieldId: string): number;
  crop(fieldId: string): CropState;
  weatherOn(timeMs: number): DailyWeather;
  soilSample(deviceId: string, fieldId: string): Record<string, number>;
  weatherSample(fieldId: string, sinceMs: number): Record<string, number>;
}

/** Sensor imperfection: each probe has a fixed calibration offset and reads with white noise. */
const PROBE_BIAS_SD = 0.004;
const PROBE_NOISE_SD = 0.003;

interface FieldState {
  spec: ScenarioField;
  truth: CropTruth;
  soil: SoilProfile;
  plantingMs: number;
  depletion: number;
  canopy: number;
  seasonEta: number;
  seasonEtc: number;
  dayKsSum: number;
  daySteps: number;
  waterStress: number;
  nitrogenFactor: number;
  irrigatedMm: number;
}

/**
 * The most recent planting on or before `atMs`, taking the scenario's planting date as an annual
 * calendar (the cooperative plants on that day every year), so a scenario stays in season
 * whenever it is run.
 */
export function seasonPlantingMs(plantingDate: string, atMs: number): number {
  const given = Date.parse(`${plantingDate}T00:00:00Z`);
  const d = new Date(given);
  let year = new Date(atMs).getUTCFullYear();
  let planting = Date.UTC(year, d.getUTCMonth(), d.getUTCDate());
  while (planting > atMs) planting = Date.UTC(--year, d.getUTCMonth(), d.getUTCDate());
  return planting;
}

export function createWorld(scenario: Scenario, startMs: number): World {
  const random: Rng = rng(scenario.seed);
  const weatherCache = new Map<number, DailyWeather>();
  const lonHours = scenario.site.longitudeDeg / 15;
  // The local solar day a time falls in, as the UTC midnight that labels it.
  const solarDayStart = (t: number) => Math.floor((t + lonHours * 3_600_000) / DAY_MS) * DAY_MS;
  const weatherOn = (t: number) => {
    const day = solarDayStart(t);
    let w = weatherCache.get(day);
    if (w === undefined) {
      w = dailyWeather(scenario.climate, scenario.site, scenario.seed, day);
      const extra = scenario.rain.filter(
        (e) => solarDayStart(startMs + e.dayOffset * DAY_MS) === day,
      );
      if (extra.length > 0)
        w = {
          ...w,
          rainMm: w.rainMm + extra.reduce((s, e) => s + e.mm, 0),
          rainStartHour: extra[0]!.hour,
        };
      weatherCache.set(day, w);
    }
    return w;
  };

  const fields = new Map<string, FieldState>();
  for (const spec of scenario.fields) {
    const truth = cropTruth(spec.crop);
    const soil = {
      fieldCapacity: spec.soil.fieldCapacity,
      wiltingPoint: spec.soil.wiltingPoint,
      rootDepthM: spec.rootDepthM,
      depletionFraction: truth.depletionFraction,
    };
    const plantingMs = seasonPlantingMs(spec.plantingDate, startMs);
    const day = (startMs - plantingMs) / DAY_MS;
    const nitrogenFactor = Math.min(
      1,
      (spec.nitrogenKgHa ?? truth.nitrogenNeedKgHa) / truth.nitrogenNeedKgHa,
    );
    fields.set(spec.id, {
      spec,
      truth,
      soil,
      plantingMs,
      depletion: spec.initialDepletionFraction * totalAvailableWaterMm(soil),
      // A simulation starting mid-season assumes the season so far was unstressed but for N.
      canopy: potentialCanopy(truth, day) * Math.sqrt(nitrogenFactor),
      seasonEta: 0,
      seasonEtc: 0,
      dayKsSum: 0,
      daySteps: 0,
      waterStress: 0,
      nitrogenFactor,
      irrigatedMm: 0,
    });
  }
  const probeBias = new Map<string, number>();
  for (const device of scenario.devices) probeBias.set(device.id, PROBE_BIAS_SD * gaussian(random));
  let now = startMs;

  const field = (id: string) => {
    const found = fields.get(id);
    if (found === undefined) throw new Error(`no field ${id} in scenario ${scenario.id}`);
    return found;
  };

  function endOfDay(f: FieldState, dayEndMs: number) {
    const ks = f.daySteps === 0 ? 1 : f.dayKsSum / f.daySteps;
    f.waterStress = 1 - ks;
    f.dayKsSum = 0;
    f.daySteps = 0;
    const day = (dayEndMs - f.plantingMs) / DAY_MS;
    const before = potentialCanopy(f.truth, day - 1);
    const after = potentialCanopy(f.truth, day);
    if (f.truth.perennial) {
      // A perennial canopy drifts toward what water and nitrogen allow, 2 % a day.
      f.canopy += 0.02 * (f.truth.maxCanopyCover * ks * Math.sqrt(f.nitrogenFactor) - f.canopy);
    } else if (after >= before) {
      f.canopy += (after - before) * ks * Math.sqrt(f.nitrogenFactor);
    } else {
      f.canopy *= before > 0 ? after / before : 0;
    }
    // Farmer behaviour from the scenario: refill at a set depletion, morning of the next day.
    const auto = f.spec.autoIrrigation;
    if (
      auto !== undefined &&
      f.depletion >= auto.atDepletionFraction * totalAvailableWaterMm(f.soil)
    ) {
      f.irrigatedMm += f.depletion;
      f.depletion = 0;
    }
  }

  function step(from: number, to: number) {
    const w = weatherOn(from);
    const hour = solarHour(from, scenario.site.longitudeDeg);
    const hours = (to - from) / 3_600_000;
    const n = daylightHours(scenario.site.latitudeDeg, dayOfYear(from));
    const sunrise = 12 - n / 2;
    const mid = hour + hours / 2;
    // ET follows the sun: a half-sine over the daylight hours (integral n * 2/pi).
    const etShare =
      mid > sunrise && mid < sunrise + n
        ? (Math.sin((Math.PI * (mid - sunrise)) / n) * hours * Math.PI) / (2 * n)
        : 0;
    const rainShare = mid >= w.rainStartHour && mid < w.rainStartHour + 2 ? hours / 2 : 0;
    for (const f of fields.values()) {
      const day = (from - f.plantingMs) / DAY_MS;
      const inSeason = f.truth.perennial || (day >= 0 && day < seasonLengthDays(f.truth));
      const potential = potentialCanopy(f.truth, day);
      // Kc follows FAO-56's curve, scaled down where the canopy is thinner than it should be.
      const kcIni = f.truth.kc[0];
      const kc = inSeason
        ? kcIni +
          (cropCoefficient(f.truth, day) - kcIni) *
            (potential > 0 ? Math.min(1, f.canopy / potential) : 1)
        : 0.15;
      const etc = kc * w.et0Mm * etShare;
      const taw = totalAvailableWaterMm(f.soil);
      const raw = f.soil.depletionFraction * taw;
      const ks = f.depletion <= raw ? 1 : Math.max(0, (taw - f.depletion) / (taw - raw));
      f.depletion = stepDepletion(f.soil, f.depletion, {
        etcMm: etc,
        rainMm: w.rainMm * rainShare,
        irrigationMm: 0,
      });
      if (inSeason) {
        f.seasonEtc += etc;
        f.seasonEta += ks * etc;
      }
      if (etShare > 0) {
        f.dayKsSum += ks;
        f.daySteps++;
      }
    }
  }

  return {
    get timeMs() {
      return now;
    },
    advanceTo(timeMs) {
      while (now < timeMs) {
        const to = Math.min(timeMs, now + STEP_MS);
        step(now, to);
        if (solarDayStart(to) !== solarDayStart(now))
          for (const f of fields.values()) endOfDay(f, to);
        now = to;
      }
    },
    irrigate(fieldId, mm) {
      const f = field(fieldId);
      f.depletion = stepDepletion(f.soil, f.depletion, { etcMm: 0, rainMm: 0, irrigationMm: mm });
      f.irrigatedMm += mm;
    },
    depletionMm: (fieldId) => field(fieldId).depletion,
    weatherOn,
    crop(fieldId) {
      const f = field(fieldId);
      const day = (now - f.plantingMs) / DAY_MS;
      const reflectance = surfaceReflectance(f.canopy, f.waterStress);
      return {
        dayAfterPlanting: Math.floor(day),
        canopyCover: f.canopy,
        potentialCanopyCover: potentialCanopy(f.truth, day),
        waterStress: f.waterStress,
        nitrogenFactor: f.nitrogenFactor,
        ndvi: ndvi(reflectance),
        ndmi: ndmi(reflectance),
        seasonEtaMm: f.seasonEta,
        seasonEtcMm: f.seasonEtc,
        // Nitrogen: half the yield is at stake (a crop on unfertilised soil still yields).
        yieldTHa:
          waterLimitedYield(f.truth, f.seasonEta, f.seasonEtc) * (0.5 + 0.5 * f.nitrogenFactor),
      };
    },
    soilSample(deviceId, fieldId) {
      const f = field(fieldId);
      const profile = profileWaterContent(f.soil, f.depletion);
      const bias = probeBias.get(deviceId) ?? 0;
      const read = (v: number) =>
        round(Math.max(0, v + bias + PROBE_NOISE_SD * gaussian(random)), 4);
      const w = weatherOn(now);
      const air = temperatureAt(w, solarHour(now, scenario.site.longitudeDeg));
      const meanAir = (w.tMaxC + w.tMinC) / 2;
      return {
        vwc10: read(profile.vwc10),
        vwc30: read(profile.vwc30),
        vwc60: read(profile.vwc60),
        // Soil at 10 cm follows the air, damped (under canopy, more so).
        soilTempC: round(meanAir + (0.5 - 0.3 * f.canopy) * (air - meanAir), 2),
        // Bulk EC rises with water content (Rhoades et al. 1976: linear in theta at low salinity).
        ecDsM: round(0.15 + 2.2 * profile.vwc30, 3),
      };
    },
    weatherSample(fieldId, sinceMs) {
      field(fieldId);
      const w = weatherOn(now);
      const hour = solarHour(now, scenario.site.longitudeDeg);
      const air = temperatureAt(w, hour);
      const n = daylightHours(scenario.site.latitudeDeg, dayOfYear(now));
      const sunrise = 12 - n / 2;
      const solar =
        hour > sunrise && hour < sunrise + n
          ? ((w.solarMJ * 1e6) / 3600) *
            (Math.PI / (2 * n)) *
            Math.sin((Math.PI * (hour - sunrise)) / n)
          : 0;
      let rain = 0;
      for (let t = sinceMs; t < now; t += STEP_MS) {
        const d = weatherOn(t);
        const h = solarHour(t, scenario.site.longitudeDeg) + 0.125;
        if (h >= d.rainStartHour && h < d.rainStartHour + 2)
          rain += (d.rainMm * Math.min(STEP_MS, now - t)) / (2 * 3_600_000);
      }
      return {
        airTempC: round(air + 0.2 * gaussian(random), 2),
        rhPct: round(Math.min(100, (100 * w.vapourKPa) / saturationVapourPressure(air)), 1),
        windMs: round(
          w.windMs * (0.6 + 0.8 * Math.max(0, Math.sin((Math.PI * (hour - 6)) / 12))),
          2,
        ),
        solarWm2: Math.round(solar),
        rainMm: round(rain, 1),
        pressureKPa: round(pressureKPa(scenario.site.elevationM), 2),
      };
    },
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function soilOf(field: ScenarioField): SoilProfile {
  return {
    fieldCapacity: field.soil.fieldCapacity,
    wiltingPoint: field.soil.wiltingPoint,
    rootDepthM: field.rootDepthM,
    depletionFraction: cropTruth(field.crop).depletionFraction,
  };
}
