import type {
  WeatherForecast,
  ComputationStep,
  Field,
  Prescription,
  StoredReading,
  ZonePrescription,
} from '@shamba/schemas';
import { cropParameters, type CropParameters } from '../crops/crop-parameters.js';
import { cropDay } from '../agronomy/water-balance/crop-coefficient.js';
import { stepWaterBalance } from '../agronomy/water-balance/daily-balance.js';
import {
  adjustDepletionFraction,
  depletionFromWaterContent,
  totalAvailableWaterMm,
} from '../agronomy/water-balance/soil-water.js';
import {
  elevationFromPressure,
  et0ForDay,
  localDate,
  type StationWeather,
  type TimedAmount,
} from '../agronomy/weather/daily-weather.js';
import { createStepLog, round } from '../explain/step-log.js';
import { forecastDays, type ForecastDay } from '../agronomy/weather/forecast-days.js';
import { HORIZON_DAYS, zoneIrrigation } from './zone-irrigation.js';
import { latestPerDevice, rootZoneWaterContent } from './soil-moisture-rule.js';
import { APPLICATION_EFFICIENCY } from './application-efficiency.js';
import { N_SCENE_MAX_AGE_DAYS, zoneNitrogen } from '../agronomy/nitrogen/zone-nitrogen.js';

/**
 * The FAO-56 rule: each management zone's root-zone depletion Dr is carried day by day by the
 * single-coefficient water balance (FAO-56 ch. 8, eq. 85) with ET0 from the field's weather
 * station (FAO-56 eq. 6), reset to the soil probes' reading on every day a zone has one (eq. 87),
 * and irrigation is prescribed per zone by `zoneIrrigation`.
 */
export const WATER_BALANCE_RULE = { name: 'fao56-water-balance', version: '1.0.0' } as const;

const DAY_MS = 86_400_000;
/** The balance never runs further back than this (a perennial's "sowing" may be years ago). */
export const MAX_BALANCE_DAYS = 240;
/** Days whose ET0 stands in for a day without a complete record, and for today's and the forecast's. */
export const ET0_FILL_DAYS = 3;

export type { ForecastDay };

export interface WaterBalanceRuleInput {
  field: Field;
  /** The cooperative's local time, minutes east of UTC: days are local days. */
  utcOffsetMinutes: number;
  /** The field's weather station, summarised (`summariseStation`) since the balance start. */
  weather: StationWeather;
  /** The field's soil-probe readings since the balance start (stream `soil`). */
  soil: readonly StoredReading[];
  /** Valve controllers' reports (stream `status`, `appliedMm`). */
  status: readonly StoredReading[];
  /** The moment the prescription describes. */
  asOfMs: number;
  createdAtMs: number;
  /** A weather forecast, day 1 = tomorrow; without one, ET0 persists and no rain is assumed. */
  forecast?: readonly ForecastDay[];
  /** The cooperative's latest issued forecast (used when `forecast` is not given). */
  weatherForecast?: WeatherForecast;
  /** A parameter set's crop (defaults to the built-in table for `field.crop`). */
  crop?: CropParameters;
  /** The parameter set's label (`coop@version`), recorded with the prescription. */
  parameterSet?: string;
  /** The latest scene with a clear view of the field: each zone's mean NDVI (null: cloudy). */
  scene?: { sceneId: string; acquiredMs: number; ndviByZone: Record<string, number | null> };
  /**
   * Depletion (share of TAW) of zones without a probe, from the fusion model fitted on the
   * cooperative's probed zones; used where neither a probe nor the balance since sowing gives Dr.
   */
  fused?: Record<string, { share: number; sd: number; trainedOn: number; model: string }>;
}

export interface ZoneSpec {
  id: string;
  areaHa: number;
  nRichStrip: boolean;
  soil: Field['soil'];
  rootDepthM: number;
}

/** Where the balance of one zone stands at the end of a day. */
export interface ZoneState {
  drMm: number | null;
  source: 'sensor' | 'water-balance' | null;
  lastSensorDate: string | null;
}

/** Every zone of a field carried through the FAO-56 balance up to the moment asked. */
export interface FieldBalance {
  crop: CropParameters;
  today: string;
  sowing: string;
  /** The first day the balance considered (sowing, or MAX_BALANCE_DAYS back). */
  start: string;
  /** Today's ET0 estimate (the mean of the last complete days), or null with no complete day. */
  et0Today: number | null;
  /** Field-level steps: elevation and ET0. */
  steps: ComputationStep[];
  site: { latitudeDeg: number; elevationM: number };
  /** ET0 of each complete day from the station, mm. */
  et0ByDay: ReadonlyMap<string, number>;
  zones: {
    spec: ZoneSpec;
    final: ZoneState;
    steps: ComputationStep[];
    /** Crop ET with and without water stress, for each day the balance ran. */
    trace: BalanceTraceDay[];
  }[];
}

export interface BalanceTraceDay {
  dateIso: string;
  etcMm: number;
  etaMm: number;
}

export function balanceField(
  input: Omit<WaterBalanceRuleInput, 'createdAtMs' | 'forecast'>,
): FieldBalance {
  const { field } = input;
  const crop = input.crop ?? cropParameters(field.crop);
  const { steps, step } = createStepLog({ digitsFor: (unit) => (unit === '' ? 3 : 2) });
  const today = localDate(input.asOfMs, input.utcOffsetMinutes);
  const sowing = field.plantingDate;
  const earliest = addDays(today, -MAX_BALANCE_DAYS);
  const start = sowing > earliest ? sowing : earliest;

  // Weather, by local day.
  const days = new Map(
    input.weather.days
      .filter((d) => d.dateIso >= start && d.dateIso <= today)
      .map((d) => [d.dateIso, d]),
  );
  const latitudeDeg = ringCentre(field.boundary.coordinates[0]!)[1];
  const pressures = [...days.values()].flatMap((d) =>
    d.pressureKPa === null ? [] : [d.pressureKPa],
  );
  const elevationM =
    field.elevationM ??
    (pressures.length > 0
      ? elevationFromPressure(pressures.reduce((s, p) => s + p, 0) / pressures.length)
      : 0);
  step(
    'z',
    field.elevationM !== undefined
      ? 'field elevation (registry)'
      : pressures.length > 0
        ? 'from the station mean pressure, FAO-56 eq. 7 solved for z'
        : 'unknown: sea level assumed',
    elevationM,
    'm',
    'FAO-56 eq. 7',
  );
  const site = { latitudeDeg, elevationM, windHeightM: 2 };
  const et0ByDay = new Map<string, number>();
  for (const [date, day] of days) {
    const et0 = date === today ? null : et0ForDay(day, site);
    if (et0 !== null) et0ByDay.set(date, et0.et0Mm);
  }
  const complete = [...et0ByDay.keys()].sort();
  const recent = complete.slice(-ET0_FILL_DAYS);
  const et0Today =
    recent.length === 0
      ? null
      : step(
          'ET0',
          `mean of the last ${recent.length} complete days (${recent.join(', ')})`,
          recent.reduce((s, d) => s + et0ByDay.get(d)!, 0) / recent.length,
          'mm/day',
          'FAO-56 eq. 6 from the station',
        );

  const zones = fieldZones(field);
  const zoned = zones.length > 1 || zones[0]!.id !== field.id;
  const soilFor = (zoneId: string) =>
    input.soil.filter((r) => r.stream === 'soil' && (!zoned || r.zoneId === zoneId));
  // Probes not assigned to a zone stand for the zones that have none of their own.
  const unzonedSoil = zoned
    ? input.soil.filter((r) => r.stream === 'soil' && r.zoneId === null)
    : [];
  const rain = input.weather.rain;
  const valves = input.status.filter((r) => r.values.appliedMm !== undefined);
  // A valve controller without a zone waters the whole field.
  const irrigationFor = (zoneId: string) =>
    valves
      .filter((r) => !zoned || r.zoneId === zoneId || r.zoneId === null)
      .map((r) => ({ timeMs: r.timeMs, mm: r.values.appliedMm! }));

  const states = zones.map((zone) => {
    const own = soilFor(zone.id);
    return runBalance({
      zone,
      crop,
      sowing,
      start,
      today,
      soil: own.length > 0 ? own : unzonedSoil,
      et0ByDay,
      rain,
      irrigation: irrigationFor(zone.id),
      asOfMs: input.asOfMs,
      utcOffsetMinutes: input.utcOffsetMinutes,
    });
  });

  return {
    crop,
    today,
    sowing,
    start,
    et0Today,
    steps,
    site: { latitudeDeg, elevationM },
    et0ByDay,
    zones: zones.map((spec, i) => ({ spec, ...states[i]! })),
  };
}

export function waterBalancePrescription(input: WaterBalanceRuleInput): Prescription {
  const { field } = input;
  const balance = balanceField(input);
  const { crop, today, sowing, start, et0Today, steps } = balance;
  const zones = balance.zones.map((z) => z.spec);
  const states = balance.zones;

  // Zones without a known Dr borrow their siblings' depletion as a share of TAW.
  const das = daysBetween(sowing, today);
  const tawOf = (zone: ZoneSpec) =>
    totalAvailableWaterMm(
      zone.soil.fieldCapacity,
      zone.soil.wiltingPoint,
      cropDay(crop, das, zone.rootDepthM).rootDepthM,
    );
  const knownShares = zones.flatMap((zone, i) => {
    const dr = states[i]!.final.drMm;
    return dr === null ? [] : [dr / tawOf(zone)];
  });

  const issued =
    input.weatherForecast === undefined
      ? []
      : forecastDays(input.weatherForecast, {
          today,
          latitudeDeg: balance.site.latitudeDeg,
          elevationM: balance.site.elevationM,
        });
  const forecast =
    input.forecast ?? (issued.length > 0 ? issued : persistenceForecast(today, et0Today));
  const forecastLabel =
    input.forecast !== undefined
      ? 'given'
      : issued.length > 0
        ? `${input.weatherForecast!.source} issued ${input.weatherForecast!.issuedAt}`
        : 'persistence (no forecast)';
  // A zone's NDVI from a scene no older than the N rate accepts sets its Kc from the canopy.
  const recentScene =
    input.scene !== undefined &&
    input.asOfMs - input.scene.acquiredMs <= N_SCENE_MAX_AGE_DAYS * DAY_MS
      ? input.scene
      : undefined;
  const canopy = (zoneId: string): number | undefined =>
    recentScene?.ndviByZone[zoneId] ?? undefined;
  const zoneResults: ZonePrescription[] = zones.map((zone, i) => {
    const state = states[i]!;
    let drMm = state.final.drMm;
    let drSource: ZonePrescription['drSource'] = state.final.source;
    const zoneSteps: ComputationStep[] = [...state.steps];
    let drSdMm: number | null = null;
    const fused = input.fused?.[zone.id];
    if (drMm === null && fused !== undefined) {
      const taw = tawOf(zone);
      drMm = fused.share * taw;
      drSdMm = round(fused.sd * taw, 1);
      drSource = 'fusion-model';
      zoneSteps.push({
        name: 'Dr',
        formula:
          `no probe and no balance since sowing: fusion model on ${fused.trainedOn} probed zones ` +
          `of the cooperative, Dr/TAW ${round(fused.share, 3)} +- ${round(fused.sd, 3)} x TAW (+- ${drSdMm} mm)`,
        value: round(drMm, 1),
        unit: 'mm',
        source: fused.model,
      });
    }
    if (drMm === null && knownShares.length > 0) {
      const share = knownShares.reduce((s, v) => s + v, 0) / knownShares.length;
      drMm = share * tawOf(zone);
      drSource = 'sibling-zones';
      zoneSteps.push({
        name: 'Dr',
        formula: `no probe and no balance since sowing: the other zones' mean Dr/TAW ${round(share, 3)} x TAW`,
        value: round(drMm, 1),
        unit: 'mm',
        source: 'sibling zones of the field',
      });
    }
    if (drMm === null || et0Today === null || drSource === null) {
      const why =
        et0Today === null
          ? 'no complete day of weather from the station'
          : 'no soil-moisture reading and no weather record since sowing';
      return {
        zoneId: zone.id,
        areaHa: zone.areaHa,
        action: 'insufficient-data',
        reason: why,
        netDepthMm: 0,
        grossDepthMm: 0,
        volumeM3: 0,
        litres: 0,
        pumpMinutes: null,
        irrigateBy: null,
        drMm: null,
        rawMm: null,
        tawMm: null,
        drSource: null,
        summary: `Zone ${zone.id}: no prescription (${why}).`,
        steps: zoneSteps,
      };
    }
    const result = zoneIrrigation({
      zoneId: zone.id,
      areaHa: zone.areaHa,
      soil: zone.soil,
      maxRootDepthM: zone.rootDepthM,
      crop,
      daysAfterSowing: das,
      drMm,
      drSource,
      et0Mm: et0Today,
      forecast,
      method: field.irrigationMethod,
      ...(field.pumpFlowM3h === undefined ? {} : { pumpFlowM3h: field.pumpFlowM3h }),
      ...(canopy(zone.id) === undefined ? {} : { canopyNdvi: canopy(zone.id)! }),
    });
    const value = (name: string) => result.steps.find((s) => s.name === name)?.value ?? null;
    return {
      zoneId: zone.id,
      areaHa: zone.areaHa,
      action: result.action,
      reason: result.reason,
      netDepthMm: result.netDepthMm,
      grossDepthMm: result.grossDepthMm,
      volumeM3: result.volumeM3,
      litres: result.litres,
      pumpMinutes: result.pumpMinutes,
      irrigateBy: result.irrigateBy,
      drMm: value('Dr'),
      rawMm: value('RAW'),
      tawMm: value('TAW'),
      drSource,
      drSdMm,
      summary:
        `Zone ${zone.id}: ${result.summary}` +
        (drSdMm === null ? '' : ` (Dr estimated from similar probed zones, +- ${drSdMm} mm.)`),
      steps: [...zoneSteps, ...result.steps],
    };
  });

  // Nitrogen per zone from the latest clear scene, if it is recent enough to say how green
  // the crop is now.
  const scene = input.scene;
  const sceneAgeDays =
    scene === undefined ? null : Math.floor((input.asOfMs - scene.acquiredMs) / DAY_MS);
  if (scene !== undefined && sceneAgeDays !== null && sceneAgeDays <= N_SCENE_MAX_AGE_DAYS) {
    const sensed = localDate(scene.acquiredMs, input.utcOffsetMinutes);
    const growingDays = growingDaysBetween(input.weather, sowing, sensed);
    steps.push({
      name: 'growing days',
      formula: `days from sowing ${sowing} to the scene ${sensed} with (Tmax + Tmin)/2 - 4.4 > 0 (days without a record count)`,
      value: growingDays,
      unit: 'days',
      source: 'Raun et al. 2002, INSEY',
    });
    const rates = zoneNitrogen({
      crop: crop.crop,
      sceneId: scene.sceneId,
      zones: zones.map((z) => ({
        id: z.id,
        areaHa: z.areaHa,
        ndvi: scene.ndviByZone[z.id] ?? null,
        nRichStrip: z.nRichStrip,
      })),
      growingDays,
    });
    for (const z of zoneResults) z.nitrogen = rates.get(z.zoneId) ?? null;
  } else {
    steps.push({
      name: 'N sensing',
      formula:
        scene === undefined
          ? 'no clear scene of the field yet: no N rate'
          : `the latest clear scene is ${sceneAgeDays} days old (> ${N_SCENE_MAX_AGE_DAYS}): no N rate`,
      value: sceneAgeDays,
      unit: 'days',
      source: 'OSU SBNRC needs a current NDVI',
    });
    for (const z of zoneResults) z.nitrogen = null;
  }

  const areaHa = zones.reduce((s, z) => s + z.areaHa, 0);
  const volumeM3 = round(
    zoneResults.reduce((s, z) => s + z.volumeM3, 0),
    1,
  );
  const perArea = (pick: (z: ZonePrescription) => number) =>
    round(zoneResults.reduce((s, z) => s + pick(z) * z.areaHa, 0) / areaHa, 1);
  const action = zoneResults.some((z) => z.action === 'irrigate')
    ? 'irrigate'
    : zoneResults.every((z) => z.action === 'insufficient-data')
      ? 'insufficient-data'
      : 'none';
  const irrigated = zoneResults.filter((z) => z.action === 'irrigate');
  const summary =
    action === 'irrigate'
      ? `Irrigate ${field.name}: ` +
        irrigated.map((z) => `${z.zoneId} ${z.grossDepthMm} mm (${z.litres} litres)`).join('; ') +
        ` by ${field.irrigationMethod}.`
      : action === 'none'
        ? `No irrigation needed on ${field.name} today.`
        : `No prescription for ${field.name}: ${zoneResults[0]!.reason}.`;
  const fertilise = zoneResults.filter((z) => (z.nitrogen?.nKgHa ?? 0) > 0);
  const nSummary =
    fertilise.length === 0
      ? ''
      : ' N: ' +
        fertilise
          .map((z) => {
            const first = z.nitrogen!.products[0];
            return (
              `${z.zoneId} ${z.nitrogen!.nKgHa} kg N/ha` +
              (first === undefined ? '' : ` (${first.kgPerPlot} kg ${first.name})`)
            );
          })
          .join('; ') +
        '.';
  const deviceIds = [
    ...new Set([
      ...input.weather.deviceIds,
      ...[...input.soil, ...input.status].map((r) => r.deviceId),
    ]),
  ].sort();
  const used = [...input.soil, ...input.status];
  return {
    id: `${field.id}:${input.asOfMs}:${WATER_BALANCE_RULE.name}@${WATER_BALANCE_RULE.version}`,
    kind: 'irrigation',
    fieldId: field.id,
    coopId: field.coopId,
    createdAtMs: input.createdAtMs,
    asOfMs: input.asOfMs,
    action,
    netDepthMm: perArea((z) => z.netDepthMm),
    grossDepthMm: perArea((z) => z.grossDepthMm),
    volumeM3,
    method: field.irrigationMethod,
    summary: summary + nSummary,
    rule: { ...WATER_BALANCE_RULE },
    parameters: {
      crop: crop.crop,
      kcSource: crop.kc.source,
      stagesSource: crop.stages?.source ?? 'perennial',
      depletionFraction: crop.depletionFraction,
      depletionFractionSource: crop.source,
      applicationEfficiency: APPLICATION_EFFICIENCY[field.irrigationMethod],
      plantingDate: sowing,
      balanceStart: start,
      daysAfterSowing: das,
      areaHa,
      forecast: forecastLabel,
      forecastIssuedAt: input.weatherForecast?.issuedAt ?? 'none',
      sceneId: scene?.sceneId ?? 'none',
      parameterSet: input.parameterSet ?? 'built-in',
    },
    inputs: {
      fromMs: used.reduce((m, r) => Math.min(m, r.timeMs), input.weather.firstMs ?? input.asOfMs),
      toMs: input.asOfMs + 1,
      readingCount: used.length + input.weather.readingCount,
      deviceIds,
    },
    steps,
    zones: zoneResults,
  };
}

/** A field's management zones, each with what it does not set taken from the field. */
export function fieldZones(field: Field): ZoneSpec[] {
  return field.zones === undefined || field.zones.length === 0
    ? [
        {
          id: field.id,
          areaHa: field.areaHa,
          nRichStrip: false,
          soil: field.soil,
          rootDepthM: field.rootDepthM,
        },
      ]
    : field.zones.map((z) => ({
        id: z.id,
        areaHa: z.areaHa,
        nRichStrip: z.nRichStrip ?? false,
        soil: z.soil ?? field.soil,
        rootDepthM: z.rootDepthM ?? field.rootDepthM,
      }));
}

/** Without a forecast: ET0 stays at the recent mean and no rain falls (the cautious case). */
function persistenceForecast(today: string, et0: number | null): ForecastDay[] {
  if (et0 === null) return [];
  return Array.from({ length: HORIZON_DAYS }, (_, i) => ({
    dateIso: addDays(today, i + 1),
    et0Mm: et0,
    rainMm: 0,
  }));
}

interface BalanceInput {
  zone: ZoneSpec;
  crop: CropParameters;
  sowing: string;
  start: string;
  today: string;
  soil: readonly StoredReading[];
  et0ByDay: ReadonlyMap<string, number>;
  /** Rain and applied irrigation as they were reported, time-ordered. */
  rain: readonly TimedAmount[];
  irrigation: readonly TimedAmount[];
  asOfMs: number;
  utcOffsetMinutes: number;
}

/**
 * One zone's balance from `start` to today. Dr is unknown until sowing (when FAO-56 takes the
 * soil at field capacity after the pre-sowing rain or irrigation, Dr = 0) or the first day with a
 * probe reading; from then on FAO-56 eq. 85 carries it, and each probe day resets it (eq. 87).
 */
function runBalance(b: BalanceInput): {
  final: ZoneState;
  steps: ComputationStep[];
  trace: BalanceTraceDay[];
} {
  const trace: BalanceTraceDay[] = [];
  const { zone, crop } = b;
  const sensorDays = new Map<string, StoredReading[]>();
  for (const r of b.soil) {
    if (r.timeMs > b.asOfMs) continue;
    const date = localDate(r.timeMs, b.utcOffsetMinutes);
    const list = sensorDays.get(date) ?? [];
    list.push(r);
    sensorDays.set(date, list);
  }
  const state: ZoneState = { drMm: null, source: null, lastSensorDate: null };
  let balanceDays = 0;
  let filledDays = 0;
  let rainMm = 0;
  let irrigationMm = 0;
  let gap: string | null = null;
  for (let date = b.start; date <= b.today; date = addDays(date, 1)) {
    const das = daysBetween(b.sowing, date);
    const day = cropDay(crop, das, zone.rootDepthM);
    const taw = totalAvailableWaterMm(
      zone.soil.fieldCapacity,
      zone.soil.wiltingPoint,
      day.rootDepthM,
    );
    const dayStartMs = Date.parse(`${date}T00:00:00Z`) - b.utcOffsetMinutes * 60_000;
    const dayEndMs = Math.min(dayStartMs + DAY_MS, b.asOfMs);
    // The balance of a day runs from midnight, or from the newest probe reading of the day.
    let fromMs = dayStartMs;
    const probes = sensorDays.get(date);
    const latest = probes === undefined ? [] : latestPerDevice(probes);
    const water = latest.length === 0 ? null : rootZoneWaterContent(latest, day.rootDepthM);
    if (water !== null) {
      state.drMm = depletionFromWaterContent({
        fieldCapacity: zone.soil.fieldCapacity,
        wiltingPoint: zone.soil.wiltingPoint,
        waterContent: water.theta,
        rootDepthM: day.rootDepthM,
      });
      state.source = 'sensor';
      state.lastSensorDate = date;
      balanceDays = filledDays = rainMm = irrigationMm = 0;
      gap = null;
      fromMs = Math.max(...latest.map((r) => r.timeMs));
    }
    if (date === b.sowing && state.drMm === null) {
      state.drMm = 0;
      state.source = 'water-balance';
    }
    if (state.drMm === null || dayEndMs <= fromMs) continue;
    let et0 = b.et0ByDay.get(date);
    if (et0 === undefined) {
      // Today, or a day without a complete record: the nearest complete days stand in.
      et0 = nearbyMean(b.et0ByDay, date);
      if (et0 === undefined) {
        gap = date;
        state.drMm = null;
        state.source = null;
        continue;
      }
      filledDays++;
    }
    // Only the part of the day after `fromMs` (and before now) is left to account for.
    const share = (dayEndMs - fromMs) / DAY_MS;
    const rain = sumBetween(b.rain, fromMs, dayEndMs);
    const irrigation = sumBetween(b.irrigation, fromMs, dayEndMs);
    const result = stepWaterBalance({
      drPreviousMm: Math.min(state.drMm, taw),
      et0Mm: et0 * share,
      kc: day.kc,
      rainMm: rain,
      irrigationMm: irrigation,
      tawMm: taw,
      depletionFraction: adjustDepletionFraction(crop.depletionFraction, day.kc * et0),
    });
    state.drMm = result.drMm;
    trace.push({ dateIso: date, etcMm: result.etcMm, etaMm: result.etcAdjMm });
    if (share >= 0.5 || state.source !== 'sensor') state.source = 'water-balance';
    balanceDays += share >= 0.5 ? 1 : 0;
    rainMm += rain;
    irrigationMm += irrigation;
  }
  const steps: ComputationStep[] = [];
  if (state.drMm !== null) {
    const origin =
      state.lastSensorDate === null
        ? `Dr = 0 at sowing ${b.sowing} (FAO-56: soil at field capacity)`
        : `probes on ${state.lastSensorDate}`;
    steps.push({
      name: 'Dr today',
      formula:
        balanceDays === 0
          ? `${origin}, 1000 (theta_FC - theta_root) Zr`
          : `${origin}, then ${balanceDays} days of balance (rain ${round(rainMm, 1)} mm, ` +
            `irrigation ${round(irrigationMm, 1)} mm, ${filledDays} days' ET0 from nearby days)`,
      value: round(state.drMm, 1),
      unit: 'mm',
      source:
        state.source === 'sensor'
          ? 'FAO-56 eq. 87'
          : 'FAO-56 eq. 85 daily from sowing or the last probe day',
    });
  } else if (gap !== null) {
    steps.push({
      name: 'Dr today',
      formula: `unknown: no weather within ${ET0_FILL_DAYS} days of ${gap} and no probe reading since`,
      value: null,
      unit: 'mm',
      source: 'FAO-56 eq. 85',
    });
  }
  return { final: state, steps, trace };
}

/** Water reported in (fromMs, toMs]: each report covers the time since the one before it. */
function sumBetween(events: readonly TimedAmount[], fromMs: number, toMs: number): number {
  let sum = 0;
  for (const e of events) if (e.timeMs > fromMs && e.timeMs <= toMs) sum += e.mm;
  return sum;
}

/**
 * Growing days for INSEY: days from sowing up to the sensing date whose mean temperature is
 * above 4.4 °C (Raun et al. 2002). Days the station did not record count as growing: our
 * cooperatives farm where a day below 4.4 °C in the season is rare.
 */
function growingDaysBetween(weather: StationWeather, sowing: string, sensed: string): number {
  const days = new Map(weather.days.map((d) => [d.dateIso, d]));
  let n = 0;
  for (let date = sowing; date < sensed; date = addDays(date, 1)) {
    const d = days.get(date);
    if (d === undefined || !d.complete || d.tMaxC === null || d.tMinC === null) n++;
    else if ((d.tMaxC + d.tMinC) / 2 - 4.4 > 0) n++;
  }
  return n;
}

function nearbyMean(et0ByDay: ReadonlyMap<string, number>, date: string): number | undefined {
  const near: number[] = [];
  for (let k = 1; k <= ET0_FILL_DAYS; k++) {
    for (const d of [addDays(date, -k), addDays(date, k)]) {
      const v = et0ByDay.get(d);
      if (v !== undefined) near.push(v);
    }
    if (near.length > 0) break;
  }
  return near.length === 0 ? undefined : near.reduce((s, v) => s + v, 0) / near.length;
}

export function addDays(dateIso: string, days: number): string {
  return new Date(Date.parse(`${dateIso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(fromIso: string, toIso: string): number {
  return Math.round(
    (Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / DAY_MS,
  );
}

/** The mean of a ring's vertices (closing vertex excluded): a plot's centre, for latitude. */
function ringCentre(ring: readonly (readonly [number, number])[]): [number, number] {
  const points = ring.slice(0, -1);
  const lon = points.reduce((s, p) => s + p[0], 0) / points.length;
  const lat = points.reduce((s, p) => s + p[1], 0) / points.length;
  return [lon, lat];
}
