import area from '@turf/area';
import { DAY_MS } from '@shamba/schemas';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Scenario, ScenarioField } from '../scenarios/scenario.js';
import { rng, type Rng } from '../random/rng.js';
import { dailyWeather, type DailyWeather } from '../climate/climate.js';
import { ndvi, ndmi, surfaceReflectance } from '../optics/canopy-optics.js';
import {
  cropCoefficient,
  cropTruth,
  potentialCanopy,
  seasonLengthDays,
  waterLimitedYield,
  type CropTruth,
} from '../crops/crops.js';
import { seasonPlantingMs } from '../seasons/season-calendar.js';
import { probeBiases, soilReading, weatherReading } from '../sensors/sensors.js';
import { daylightHours, dayOfYear } from '../climate/solar.js';
import { stepDepletion, totalAvailableWaterMm, type SoilProfile } from '../soil/soil-water.js';
import { solarHour } from '../climate/weather.js';
import { zonesOf } from '../zones/zones.js';

const STEP_MS = 15 * 60_000;

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
  /** Irrigation applied evenly over a field now, mm. */
  irrigate(fieldId: string, mm: number): void;
  /** Root-zone depletion, mm: of one zone, or of a field (area-weighted over its zones). */
  depletionMm(fieldOrZoneId: string): number;
  /** Crop state of one zone, or of a field (area-weighted over its zones). */
  crop(fieldOrZoneId: string): CropState;
  /** The zone of a field a point [lon, lat] falls in, or undefined outside every zone. */
  zoneAt(fieldId: string, lonLat: [number, number]): string | undefined;
  weatherOn(timeMs: number): DailyWeather;
  /** A soil probe's reading; it stands in `zoneId`, or in the field's first zone. */
  soilSample(deviceId: string, fieldId: string, zoneId?: string): Record<string, number>;
  weatherSample(fieldId: string, sinceMs: number): Record<string, number>;
}

/** A zone: part of a field with its own soil, water and canopy (the field itself if it has none). */
interface ZoneState {
  id: string;
  /** Share of the field's area. */
  weight: number;
  /** Canopy potential relative to the field's (a shallower or poorer zone grows less). */
  vigour: number;
  soil: SoilProfile;
  depletion: number;
  canopy: number;
  seasonEta: number;
  seasonEtc: number;
  dayKsSum: number;
  daySteps: number;
  waterStress: number;
}

interface FieldState {
  spec: ScenarioField;
  truth: CropTruth;
  plantingMs: number;
  nitrogenFactor: number;
  irrigatedMm: number;
  zones: ZoneState[];
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
      w = dailyWeather(scenario, day);
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
  const zones = new Map<string, { field: FieldState; zone: ZoneState }>();
  for (const spec of scenario.fields) {
    const truth = cropTruth(spec.crop);
    const plantingMs = seasonPlantingMs(spec.plantingDate, startMs);
    const day = (startMs - plantingMs) / DAY_MS;
    const nitrogenFactor = Math.min(
      1,
      (spec.nitrogenKgHa ?? truth.nitrogenNeedKgHa) / truth.nitrogenNeedKgHa,
    );
    const specs = zonesOf(spec);
    const totalArea = specs.reduce((sum, z) => sum + area(z.boundary), 0);
    const field: FieldState = {
      spec,
      truth,
      plantingMs,
      nitrogenFactor,
      irrigatedMm: 0,
      zones: [],
    };
    for (const z of specs) {
      const soil = {
        fieldCapacity: z.soil.fieldCapacity,
        wiltingPoint: z.soil.wiltingPoint,
        rootDepthM: z.rootDepthM,
        depletionFraction: truth.depletionFraction,
      };
      const zone: ZoneState = {
        id: z.id,
        weight: area(z.boundary) / totalArea,
        vigour: z.vigour,
        soil,
        depletion: z.initialDepletionFraction * totalAvailableWaterMm(soil),
        // A simulation starting mid-season assumes the season so far was unstressed but for N.
        canopy: potentialCanopy(truth, day) * z.vigour * Math.sqrt(nitrogenFactor),
        seasonEta: 0,
        seasonEtc: 0,
        dayKsSum: 0,
        daySteps: 0,
        waterStress: 0,
      };
      field.zones.push(zone);
      zones.set(z.id, { field, zone });
    }
    fields.set(spec.id, field);
  }
  const probeBias = probeBiases(scenario.devices, random);
  let now = startMs;

  const field = (id: string) => {
    const found = fields.get(id);
    if (found === undefined) throw new Error(`no field ${id} in scenario ${scenario.id}`);
    return found;
  };
  /** The zones named: one zone, or all of a field's. */
  const zonesNamed = (id: string): { field: FieldState; zones: ZoneState[] } => {
    const one = zones.get(id);
    if (one !== undefined) return { field: one.field, zones: [one.zone] };
    const f = field(id);
    return { field: f, zones: f.zones };
  };
  const weighted = (list: ZoneState[], value: (z: ZoneState) => number) => {
    const total = list.reduce((sum, z) => sum + z.weight, 0);
    return list.reduce((sum, z) => sum + z.weight * value(z), 0) / total;
  };

  function endOfDay(f: FieldState, dayEndMs: number) {
    const day = (dayEndMs - f.plantingMs) / DAY_MS;
    const before = potentialCanopy(f.truth, day - 1);
    const after = potentialCanopy(f.truth, day);
    for (const z of f.zones) {
      const ks = z.daySteps === 0 ? 1 : z.dayKsSum / z.daySteps;
      z.waterStress = 1 - ks;
      z.dayKsSum = 0;
      z.daySteps = 0;
      if (f.truth.perennial) {
        // A perennial canopy drifts toward what water and nitrogen allow, 2 % a day.
        z.canopy +=
          0.02 * (f.truth.maxCanopyCover * z.vigour * ks * Math.sqrt(f.nitrogenFactor) - z.canopy);
      } else if (after >= before) {
        z.canopy += (after - before) * z.vigour * ks * Math.sqrt(f.nitrogenFactor);
      } else {
        z.canopy *= before > 0 ? after / before : 0;
      }
    }
    // Farmer behaviour from the scenario: when the field's mean depletion reaches the set share
    // of TAW, it is refilled evenly the next morning (zones with less deficit drain the excess).
    const auto = f.spec.autoIrrigation;
    if (auto !== undefined) {
      const depletion = weighted(f.zones, (z) => z.depletion);
      if (
        depletion >=
        auto.atDepletionFraction * weighted(f.zones, (z) => totalAvailableWaterMm(z.soil))
      ) {
        irrigateField(f, depletion);
      }
    }
  }

  function irrigateField(f: FieldState, mm: number) {
    for (const z of f.zones)
      z.depletion = stepDepletion(z.soil, z.depletion, { etcMm: 0, rainMm: 0, irrigationMm: mm });
    f.irrigatedMm += mm;
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
      for (const z of f.zones) {
        // Kc follows FAO-56's curve, scaled down where the canopy is thinner than it should be.
        const kcIni = f.truth.kc[0];
        const relative = potential > 0 ? Math.min(1, z.canopy / potential) : 1;
        const kc = inSeason ? kcIni + (cropCoefficient(f.truth, day) - kcIni) * relative : 0.15;
        const etc = kc * w.et0Mm * etShare;
        const taw = totalAvailableWaterMm(z.soil);
        const raw = z.soil.depletionFraction * taw;
        const ks = z.depletion <= raw ? 1 : Math.max(0, (taw - z.depletion) / (taw - raw));
        z.depletion = stepDepletion(z.soil, z.depletion, {
          etcMm: etc,
          rainMm: w.rainMm * rainShare,
          irrigationMm: 0,
        });
        if (inSeason) {
          z.seasonEtc += etc;
          z.seasonEta += ks * etc;
        }
        if (etShare > 0) {
          z.dayKsSum += ks;
          z.daySteps++;
        }
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
      irrigateField(field(fieldId), mm);
    },
    depletionMm: (id) => weighted(zonesNamed(id).zones, (z) => z.depletion),
    weatherOn,
    zoneAt(fieldId, lonLat) {
      const f = field(fieldId);
      const specs = zonesOf(f.spec);
      return specs.find((z) => booleanPointInPolygon(lonLat, z.boundary))?.id;
    },
    crop(id) {
      const { field: f, zones: list } = zonesNamed(id);
      const day = (now - f.plantingMs) / DAY_MS;
      const optics = list.map((z) => surfaceReflectance(z.canopy, z.waterStress));
      const eta = weighted(list, (z) => z.seasonEta);
      const etc = weighted(list, (z) => z.seasonEtc);
      return {
        dayAfterPlanting: Math.floor(day),
        canopyCover: weighted(list, (z) => z.canopy),
        potentialCanopyCover: potentialCanopy(f.truth, day),
        waterStress: weighted(list, (z) => z.waterStress),
        nitrogenFactor: f.nitrogenFactor,
        ndvi: weighted(list, (z) => ndvi(optics[list.indexOf(z)]!)),
        ndmi: weighted(list, (z) => ndmi(optics[list.indexOf(z)]!)),
        seasonEtaMm: eta,
        seasonEtcMm: etc,
        // Nitrogen: half the yield is at stake (a crop on unfertilised soil still yields).
        yieldTHa:
          weighted(
            list,
            (z) => waterLimitedYield(f.truth, z.seasonEta, z.seasonEtc) * Math.min(1, z.vigour),
          ) *
          (0.5 + 0.5 * f.nitrogenFactor),
      };
    },
    soilSample(deviceId, fieldId, zoneId) {
      const f = field(fieldId);
      const z =
        (zoneId === undefined ? undefined : f.zones.find((candidate) => candidate.id === zoneId)) ??
        f.zones[0]!;
      return soilReading({
        soil: z.soil,
        depletionMm: z.depletion,
        canopyCover: z.canopy,
        bias: probeBias.get(deviceId) ?? 0,
        weather: weatherOn(now),
        hour: solarHour(now, scenario.site.longitudeDeg),
        random,
      });
    },
    weatherSample(fieldId, sinceMs) {
      field(fieldId);
      return weatherReading({
        site: scenario.site,
        nowMs: now,
        sinceMs,
        stepMs: STEP_MS,
        weatherOn,
        random,
      });
    },
  };
}
