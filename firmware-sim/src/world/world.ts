import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
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

/** Sensor imperfection: each probe has a fixed calibration offset and reads with white noise. */
const PROBE_BIAS_SD = 0.004;
const PROBE_NOISE_SD = 0.003;

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
  const probeBias = new Map<string, number>();
  for (const device of scenario.devices) probeBias.set(device.id, PROBE_BIAS_SD * gaussian(random));
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
      const profile = profileWaterContent(z.soil, z.depletion);
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
        soilTempC: round(meanAir + (0.5 - 0.3 * z.canopy) * (air - meanAir), 2),
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

export interface ZoneSpec {
  id: string;
  boundary: ScenarioField['boundary'];
  soil: ScenarioField['soil'];
  rootDepthM: number;
  initialDepletionFraction: number;
  vigour: number;
}

/** A field's zones, each with what it does not set taken from the field; one zone if none. */
export function zonesOf(field: ScenarioField): ZoneSpec[] {
  const defaults = {
    soil: field.soil,
    rootDepthM: field.rootDepthM,
    initialDepletionFraction: field.initialDepletionFraction,
    vigour: 1,
  };
  if (field.zones === undefined || field.zones.length === 0)
    return [{ id: `${field.id}-z1`, boundary: field.boundary, ...defaults }];
  return field.zones.map((z) => ({
    id: z.id,
    boundary: z.boundary,
    soil: z.soil ?? defaults.soil,
    rootDepthM: z.rootDepthM ?? defaults.rootDepthM,
    initialDepletionFraction: z.initialDepletionFraction ?? defaults.initialDepletionFraction,
    vigour: z.vigour ?? defaults.vigour,
  }));
}

/** The zone a scenario device measures: its own setting, else the zone under it, else none. */
export function deviceZoneId(
  scenario: Scenario,
  device: { zoneId?: string | undefined; fieldId: string; position?: [number, number] | undefined },
): string | null {
  if (device.zoneId !== undefined) return device.zoneId;
  const field = scenario.fields.find((f) => f.id === device.fieldId);
  if (field === undefined || field.zones === undefined) return null;
  const ring = field.boundary.coordinates[0]!.slice(0, -1);
  const at =
    device.position ??
    ([
      ring.reduce((s, p) => s + p[0], 0) / ring.length,
      ring.reduce((s, p) => s + p[1], 0) / ring.length,
    ] as [number, number]);
  return zonesOf(field).find((z) => booleanPointInPolygon(at, z.boundary))?.id ?? null;
}
