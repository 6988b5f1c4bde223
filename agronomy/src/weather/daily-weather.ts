import { DAY_MS, type Reading } from '@shamba/schemas';
import { dailyEt0, type DailyEt0Result } from '../et0/et0.js';

const HOUR_MS = 3_600_000;
/** W m-2 held for one hour, in MJ m-2. */
const MJ_PER_WATT_HOUR = 0.0036;

/**
 * A day is summarised only when at least this many of its 24 hours have samples: a day missing
 * its afternoon would understate Tmax and Rs. Hours missing in between are interpolated from the
 * hours either side (a probe on a weak link loses a few hours, not the shape of the day).
 */
export const MIN_HOURS_PER_DAY = 20;

/** One local calendar day of a weather station's readings, in FAO-56's daily terms. */
export interface DailyWeather {
  dateIso: string;
  /** Hours of the day with at least one temperature sample. */
  hoursCovered: number;
  /** Whether the day has enough hours for Tmax, Tmin, RH, wind and Rs. */
  complete: boolean;
  tMaxC: number | null;
  tMinC: number | null;
  rhMaxPct: number | null;
  rhMinPct: number | null;
  /** Mean wind speed at the station's height, m/s. */
  windMs: number | null;
  /** Solar radiation integrated over the day from hourly means, MJ m-2 day-1. */
  solarMJ: number | null;
  /** Mean station pressure, kPa. */
  pressureKPa: number | null;
  /** Rain reported during the day, mm (each sample carries the rain since the previous one). */
  rainMm: number;
}

/**
 * The UTC offset of an IANA time zone at an instant, minutes east. Cooperatives' zones (Addis
 * Ababa, Nairobi, São Paulo, Jakarta) keep no daylight saving, so one offset serves a season.
 */
export function utcOffsetMinutes(timeZone: string, atMs: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(atMs)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (match === null) throw new Error(`no UTC offset for time zone ${timeZone}`);
  if (match[1] === undefined) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * Daily weather from a station's readings (stream `weather`), by local day. Hourly means are
 * formed first so that uneven sampling does not weight any hour more than another.
 */
export function dailyWeather(
  readings: readonly Reading[],
  options: { utcOffsetMinutes: number },
): DailyWeather[] {
  const offsetMs = options.utcOffsetMinutes * 60_000;
  const days = new Map<string, HourBins>();
  for (const r of readings) {
    if (r.stream !== 'weather') continue;
    const local = r.timeMs + offsetMs;
    const dateIso = new Date(local).toISOString().slice(0, 10);
    const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
    let bins = days.get(dateIso);
    if (bins === undefined) days.set(dateIso, (bins = new HourBins()));
    bins.add(hour, r.values);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([dateIso, bins]) => bins.summarise(dateIso));
}

/** Water reported at a moment (rain since the previous sample, or a valve's applied depth). */
export interface TimedAmount {
  timeMs: number;
  mm: number;
}

/** What the water balance needs of a weather station: its days, and its rain as reported. */
export interface StationWeather {
  deviceIds: string[];
  days: DailyWeather[];
  /** Non-zero rain reports, time-ordered. */
  rain: TimedAmount[];
  readingCount: number;
  firstMs: number | null;
}

/** Summarises a station's readings once, for every field it serves. */
export function summariseStation(
  readings: readonly Reading[],
  options: { utcOffsetMinutes: number },
): StationWeather {
  const weather = readings.filter((r) => r.stream === 'weather');
  return {
    deviceIds: [...new Set(weather.map((r) => r.deviceId))].sort(),
    days: dailyWeather(weather, options),
    rain: weather
      .flatMap((r) => (r.values.rainMm ? [{ timeMs: r.timeMs, mm: r.values.rainMm }] : []))
      .sort((a, b) => a.timeMs - b.timeMs),
    readingCount: weather.length,
    firstMs: weather.reduce<number | null>(
      (m, r) => (m === null ? r.timeMs : Math.min(m, r.timeMs)),
      null,
    ),
  };
}

const QUANTITIES = ['airTempC', 'rhPct', 'windMs', 'solarWm2', 'pressureKPa'] as const;
type Hourly = (typeof QUANTITIES)[number];

class HourBins {
  private readonly sum = new Map<Hourly, Float64Array>();
  private readonly count = new Map<Hourly, Uint16Array>();
  private readonly max = new Float64Array(24).fill(Number.NEGATIVE_INFINITY);
  private readonly min = new Float64Array(24).fill(Number.POSITIVE_INFINITY);
  private readonly rhMax = new Float64Array(24).fill(Number.NEGATIVE_INFINITY);
  private readonly rhMin = new Float64Array(24).fill(Number.POSITIVE_INFINITY);
  private rain = 0;

  constructor() {
    for (const q of QUANTITIES) {
      this.sum.set(q, new Float64Array(24));
      this.count.set(q, new Uint16Array(24));
    }
  }

  add(hour: number, values: Record<string, number>): void {
    for (const q of QUANTITIES) {
      const v = values[q];
      if (v === undefined) continue;
      this.sum.get(q)![hour]! += v;
      this.count.get(q)![hour]!++;
    }
    const t = values.airTempC;
    if (t !== undefined) {
      this.max[hour] = Math.max(this.max[hour]!, t);
      this.min[hour] = Math.min(this.min[hour]!, t);
    }
    const rh = values.rhPct;
    if (rh !== undefined) {
      this.rhMax[hour] = Math.max(this.rhMax[hour]!, rh);
      this.rhMin[hour] = Math.min(this.rhMin[hour]!, rh);
    }
    if (values.rainMm !== undefined) this.rain += values.rainMm;
  }

  /** Hourly means of a quantity, with gaps interpolated, or null when too few hours have it. */
  private hourly(q: Hourly): Float64Array | null {
    const sum = this.sum.get(q)!;
    const count = this.count.get(q)!;
    const known: number[] = [];
    for (let h = 0; h < 24; h++) if (count[h]! > 0) known.push(h);
    if (known.length < MIN_HOURS_PER_DAY) return null;
    const out = new Float64Array(24);
    for (let h = 0; h < 24; h++) {
      if (count[h]! > 0) {
        out[h] = sum[h]! / count[h]!;
        continue;
      }
      // Linear between the nearest hours with data; held flat beyond the first and last.
      const after = known.find((k) => k > h);
      const before = known.findLast((k) => k < h);
      const at = (k: number) => sum[k]! / count[k]!;
      out[h] =
        before === undefined
          ? at(after!)
          : after === undefined
            ? at(before)
            : at(before) + ((at(after) - at(before)) * (h - before)) / (after - before);
    }
    return out;
  }

  summarise(dateIso: string): DailyWeather {
    const tempCount = this.count.get('airTempC')!;
    const hoursCovered = tempCount.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    const complete = hoursCovered >= MIN_HOURS_PER_DAY;
    const extreme = (a: Float64Array, pick: (x: number, y: number) => number, empty: number) => {
      const v = a.reduce((acc, x) => pick(acc, x), empty);
      return Number.isFinite(v) ? v : null;
    };
    const mean = (q: Hourly) => {
      const h = this.hourly(q);
      return h === null ? null : h.reduce((s, v) => s + v, 0) / 24;
    };
    const solar = this.hourly('solarWm2');
    const rhHours = this.count.get('rhPct')!.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
    return {
      dateIso,
      hoursCovered,
      complete,
      tMaxC: complete ? extreme(this.max, Math.max, Number.NEGATIVE_INFINITY) : null,
      tMinC: complete ? extreme(this.min, Math.min, Number.POSITIVE_INFINITY) : null,
      rhMaxPct:
        rhHours >= MIN_HOURS_PER_DAY
          ? extreme(this.rhMax, Math.max, Number.NEGATIVE_INFINITY)
          : null,
      rhMinPct:
        rhHours >= MIN_HOURS_PER_DAY
          ? extreme(this.rhMin, Math.min, Number.POSITIVE_INFINITY)
          : null,
      windMs: mean('windMs'),
      solarMJ: solar === null ? null : solar.reduce((s, v) => s + v, 0) * MJ_PER_WATT_HOUR,
      pressureKPa: mean('pressureKPa'),
      rainMm: this.rain,
    };
  }
}

/**
 * Elevation from a station's mean pressure, m: FAO-56 eq. 7 solved for z. Used when a field's
 * elevation is not in the registry; a barometer's 0.1 kPa is about 10 m.
 */
export function elevationFromPressure(pressureKPa: number): number {
  return (293 * (1 - (pressureKPa / 101.3) ** (1 / 5.26))) / 0.0065;
}

/** The wind speed used when a day has none: FAO-56 §3 "Missing wind speed data", 2 m/s. */
export const DEFAULT_WIND_MS = 2;

export interface SiteForEt0 {
  latitudeDeg: number;
  elevationM: number;
  /** Anemometer height, m (2 m for the cooperative stations we support). */
  windHeightM: number;
}

/**
 * FAO-56 daily Penman-Monteith ET0 from a summarised day, or null when the day is incomplete.
 * Humidity by FAO-56 eq. 17 (RHmax, RHmin) or eq. 48 (Tdew = Tmin); radiation measured, or
 * Hargreaves (eq. 50) when the pyranometer is missing.
 */
export function et0ForDay(day: DailyWeather, site: SiteForEt0): DailyEt0Result | null {
  if (!day.complete || day.tMaxC === null || day.tMinC === null) return null;
  const [y, m, d] = day.dateIso.split('-').map(Number) as [number, number, number];
  const dayOfYear = Math.round((Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 0)) / DAY_MS);
  return dailyEt0({
    timestep: 'daily',
    latitudeDeg: site.latitudeDeg,
    elevationM: site.elevationM,
    dayOfYear,
    windSpeedMs: day.windMs ?? DEFAULT_WIND_MS,
    windHeightM: site.windHeightM,
    tMaxC: day.tMaxC,
    tMinC: day.tMinC,
    ...(day.rhMaxPct !== null && day.rhMinPct !== null
      ? { rhMaxPct: day.rhMaxPct, rhMinPct: day.rhMinPct }
      : {}),
    ...(day.solarMJ !== null ? { solarRadiationMJ: day.solarMJ } : {}),
    kRs: 0.16,
    soilHeatFluxMJ: 0,
  });
}
