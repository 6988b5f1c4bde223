import { round, type ComputationStep, type Field, type StoredReading } from '@shamba/schemas';
import { cropParameters, type CropParameters } from '../crops/crop-parameters.js';
import { createStepLog, type RecordStep } from '../explain/step-log.js';
import {
  DEFAULT_WIND_MS,
  elevationFromPressure,
  et0ForDay,
  type DailyWeather,
  type SiteForEt0,
  type StationWeather,
} from '../weather/daily-weather.js';
import { MAX_BALANCE_DAYS, balanceWindow } from '../weather/calendar-days.js';
import {
  ET0_FILL_DAYS,
  runBalance,
  type BalanceInput,
  type BalanceTraceDay,
  type ZoneSpec,
  type ZoneState,
} from './zone-balance.js';

export { MAX_BALANCE_DAYS };

/** What the field balance reads (the water-balance rule's input without the forecast). */
export interface FieldBalanceInput {
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
  /** A parameter set's crop (defaults to the built-in table for `field.crop`). */
  crop?: CropParameters;
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

/** What every zone of the field shares in its balance. */
type BalanceWindow = Pick<BalanceInput, 'crop' | 'sowing' | 'start' | 'today' | 'et0ByDay'>;

export function balanceField(input: FieldBalanceInput): FieldBalance {
  const { field } = input;
  const crop = input.crop ?? cropParameters(field.crop);
  // Values are rounded as they are recorded, for display; the arithmetic goes on exactly.
  const { steps, step } = createStepLog({
    digitsFor: (unit) => (unit === '' ? 3 : 2),
    carry: 'exact',
  });
  const sowing = field.plantingDate;
  const { today, start } = balanceWindow({
    plantingDate: sowing,
    asOfMs: input.asOfMs,
    utcOffsetMinutes: input.utcOffsetMinutes,
  });

  // Weather, by local day.
  const days = new Map(
    input.weather.days
      .filter((d) => d.dateIso >= start && d.dateIso <= today)
      .map((d) => [d.dateIso, d]),
  );
  const site = fieldSite(field, days, step);
  const et0ByDay = stationEt0ByDay(days, today, site);
  const et0Today = todayEt0(et0ByDay, { step, steps, days });

  const zones = fieldZones(field);
  const states = zoneBalances(input, zones, { crop, sowing, start, today, et0ByDay });
  return {
    crop,
    today,
    sowing,
    start,
    et0Today,
    steps,
    site: { latitudeDeg: site.latitudeDeg, elevationM: site.elevationM },
    et0ByDay,
    zones: zones.map((spec, i) => ({ spec, ...states[i]! })),
  };
}

/** Latitude from the plot, elevation from the registry or the station's pressure (FAO-56 eq. 7). */
function fieldSite(
  field: Field,
  days: ReadonlyMap<string, DailyWeather>,
  step: RecordStep,
): SiteForEt0 {
  const latitudeDeg = ringCentre(field.boundary.coordinates[0]!)[1];
  const pressures = [...days.values()].flatMap((d) =>
    d.pressureKPa === null ? [] : [d.pressureKPa],
  );
  const elevationM =
    field.elevationM ??
    (pressures.length > 0
      ? elevationFromPressure(pressures.reduce((s, p) => s + p, 0) / pressures.length)
      : 0);
  step({
    name: 'z',
    formula:
      field.elevationM !== undefined
        ? 'field elevation (registry)'
        : pressures.length > 0
          ? 'from the station mean pressure, FAO-56 eq. 7 solved for z'
          : 'unknown: sea level assumed',
    value: elevationM,
    unit: 'm',
    source: 'FAO-56 eq. 7',
  });
  return { latitudeDeg, elevationM, windHeightM: 2 };
}

/** ET0 of each complete day before today (FAO-56 eq. 6), mm. */
function stationEt0ByDay(
  days: ReadonlyMap<string, DailyWeather>,
  today: string,
  site: SiteForEt0,
): Map<string, number> {
  const et0ByDay = new Map<string, number>();
  for (const [date, day] of days) {
    const et0 = date === today ? null : et0ForDay(day, site);
    if (et0 !== null) et0ByDay.set(date, et0.et0Mm);
  }
  return et0ByDay;
}

/**
 * Today's ET0: the mean of the last ET0_FILL_DAYS complete days, or null without one. Each of
 * those days is a step of its own with the station's values it was computed from.
 */
function todayEt0(
  et0ByDay: ReadonlyMap<string, number>,
  log: { step: RecordStep; steps: ComputationStep[]; days: ReadonlyMap<string, DailyWeather> },
): number | null {
  const { step, steps, days } = log;
  const complete = [...et0ByDay.keys()].sort();
  const recent = complete.slice(-ET0_FILL_DAYS);
  for (const date of recent) steps.push(et0DayStep(days.get(date)!, et0ByDay.get(date)!));
  return recent.length === 0
    ? null
    : step({
        name: 'ET0',
        formula: `mean of the last ${recent.length} complete days (${recent.join(', ')})`,
        value: recent.reduce((s, d) => s + et0ByDay.get(d)!, 0) / recent.length,
        unit: 'mm/day',
        source: 'FAO-56 eq. 6 from the station',
      });
}

/** One station day behind ET0: its Tmax, Tmin, RH, wind and Rs, as measured (FAO-56 eq. 6). */
function et0DayStep(day: DailyWeather, et0Mm: number): ComputationStep {
  const r = (v: number | null, digits: number) => (v === null ? null : round(v, digits));
  const rh =
    day.rhMaxPct === null || day.rhMinPct === null
      ? 'RH missing: ea from Tdew = Tmin (eq. 48)'
      : `RHmax ${r(day.rhMaxPct, 1)} %, RHmin ${r(day.rhMinPct, 1)} %`;
  return {
    name: `ET0 ${day.dateIso}`,
    formula:
      `Penman-Monteith from Tmax ${r(day.tMaxC, 1)} C, Tmin ${r(day.tMinC, 1)} C, ${rh}, ` +
      `u2 ${day.windMs === null ? `${DEFAULT_WIND_MS} (missing: FAO-56 default)` : r(day.windMs, 2)} m/s, ` +
      `Rs ${day.solarMJ === null ? 'missing: Hargreaves (eq. 50)' : `${r(day.solarMJ, 2)} MJ/m2/day`}`,
    value: round(et0Mm, 2),
    unit: 'mm/day',
    source: 'FAO-56 eq. 6 from the station',
    inputs: {
      date: day.dateIso,
      hoursCovered: day.hoursCovered,
      tMaxC: r(day.tMaxC, 2),
      tMinC: r(day.tMinC, 2),
      rhMaxPct: r(day.rhMaxPct, 2),
      rhMinPct: r(day.rhMinPct, 2),
      windMs: r(day.windMs, 3),
      solarMJ: r(day.solarMJ, 3),
      pressureKPa: r(day.pressureKPa, 3),
    },
  };
}

/** Each zone's balance, with its own probes and valves (or the field's unassigned ones). */
function zoneBalances(
  input: FieldBalanceInput,
  zones: readonly ZoneSpec[],
  window: BalanceWindow,
): ReturnType<typeof runBalance>[] {
  const zoned = zones.length > 1 || zones[0]!.id !== input.field.id;
  const soilFor = (zoneId: string) =>
    input.soil.filter((r) => r.stream === 'soil' && (!zoned || r.zoneId === zoneId));
  // Probes not assigned to a zone stand for the zones that have none of their own.
  const unzonedSoil = zoned
    ? input.soil.filter((r) => r.stream === 'soil' && r.zoneId === null)
    : [];
  const valves = input.status.filter((r) => r.values.appliedMm !== undefined);
  // A valve controller without a zone waters the whole field.
  const irrigationFor = (zoneId: string) =>
    valves
      .filter((r) => !zoned || r.zoneId === zoneId || r.zoneId === null)
      .map((r) => ({ timeMs: r.timeMs, mm: r.values.appliedMm! }));
  return zones.map((zone) => {
    const own = soilFor(zone.id);
    return runBalance({
      ...window,
      zone,
      soil: own.length > 0 ? own : unzonedSoil,
      rain: input.weather.rain,
      irrigation: irrigationFor(zone.id),
      asOfMs: input.asOfMs,
      utcOffsetMinutes: input.utcOffsetMinutes,
    });
  });
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

/** The mean of a ring's vertices (closing vertex excluded): a plot's centre, for latitude. */
function ringCentre(ring: readonly (readonly [number, number])[]): [number, number] {
  const points = ring.slice(0, -1);
  const lon = points.reduce((s, p) => s + p[0], 0) / points.length;
  const lat = points.reduce((s, p) => s + p[1], 0) / points.length;
  return [lon, lat];
}
