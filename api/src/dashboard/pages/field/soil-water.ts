import { stationsForField as stationsOf, weatherStationsByField } from '@shamba/analytics';
import {
  addDays,
  balanceWindow,
  localDate,
  localMidnightMs,
  utcOffsetMinutes,
} from '@shamba/agronomy';
import { DAY_MS, round, type Field, type StoredReading } from '@shamba/schemas';
import type { Registry, ReadingQuery, TimeSeriesStore } from '@shamba/storage';
import type { SeasonCache } from './season-cache.js';

/** The probe depths the soil stream carries, cm (quantities `vwc10`, `vwc30`, `vwc60`). */
export const SOIL_DEPTHS_CM = [10, 30, 60] as const;

/** One local day of the field: mean water content per depth (m3/m3) and the day's rain (mm). */
export interface SoilWaterDay {
  date: string;
  vwc: Record<`vwc${(typeof SOIL_DEPTHS_CM)[number]}`, number | null>;
  /** Rain at the field's station(s); null when no station reported that day. */
  rainMm: number | null;
}

export interface SoilWaterSeason {
  /** First and last local days shown (sowing, or the water balance's window, to today). */
  from: string;
  to: string;
  days: SoilWaterDay[];
  /** The weather stations whose rain is shown (the field's own, else the cooperative's). */
  stationIds: string[];
  probeIds: string[];
  readingCount: number;
}

/**
 * Readings are fetched a month at a time, each query bounded: a month of 15-minute samples from
 * the demo's 20 devices is 57,600 readings, so a month can never return more than this and the
 * page's memory stays bounded even if a field gained many probes.
 */
const CHUNK_DAYS = 30;
const CHUNK_LIMIT = 60_000;

async function queryChunked(
  store: TimeSeriesStore,
  query: Omit<ReadingQuery, 'limit'>,
): Promise<StoredReading[]> {
  const chunks: Promise<StoredReading[]>[] = [];
  for (let from = query.fromMs; from < query.toMs; from += CHUNK_DAYS * DAY_MS) {
    const to = Math.min(query.toMs, from + CHUNK_DAYS * DAY_MS);
    chunks.push(store.query({ ...query, fromMs: from, toMs: to, limit: CHUNK_LIMIT }));
  }
  return (await Promise.all(chunks)).flat();
}

/**
 * The weather stations whose rain falls on the field: the prescriptions' own choice (analytics'
 * `stationsForField`) over the cooperative's devices as the registry has them now.
 */
export async function stationsForField(registry: Registry, field: Field): Promise<string[]> {
  const devices = await registry.devices.list({ coopId: field.coopId });
  return stationsOf(weatherStationsByField(devices), field.id);
}

/**
 * Daily means per depth: each probe's mean for the day first, then the mean over probes, so a
 * probe sampling more often does not outweigh the others.
 */
export function dailySoilMeans(
  readings: readonly StoredReading[],
  offsetMinutes: number,
): Map<string, SoilWaterDay['vwc']> {
  // date -> depth key -> device -> [sum, count]
  const sums = new Map<string, Map<string, Map<string, [number, number]>>>();
  for (const r of readings) {
    if (r.stream !== 'soil') continue;
    const date = localDate(r.timeMs, offsetMinutes);
    let byDepth = sums.get(date);
    if (byDepth === undefined)
      sums.set(date, (byDepth = new Map<string, Map<string, [number, number]>>()));
    for (const depth of SOIL_DEPTHS_CM) {
      const value = r.values[`vwc${depth}`];
      if (value === undefined) continue;
      let byDevice = byDepth.get(`vwc${depth}`);
      if (byDevice === undefined)
        byDepth.set(`vwc${depth}`, (byDevice = new Map<string, [number, number]>()));
      const acc = byDevice.get(r.deviceId) ?? [0, 0];
      byDevice.set(r.deviceId, [acc[0] + value, acc[1] + 1]);
    }
  }
  const out = new Map<string, SoilWaterDay['vwc']>();
  for (const [date, byDepth] of sums) {
    const vwc = { vwc10: null, vwc30: null, vwc60: null } as SoilWaterDay['vwc'];
    for (const depth of SOIL_DEPTHS_CM) {
      const devices = [...(byDepth.get(`vwc${depth}`)?.values() ?? [])];
      if (devices.length === 0) continue;
      const mean = devices.reduce((s, [sum, n]) => s + sum / n, 0) / devices.length;
      vwc[`vwc${depth}`] = round(mean, 3);
    }
    out.set(date, vwc);
  }
  return out;
}

/**
 * Rain per local day: each station's reports summed (each sample carries the rain since the
 * previous one), then the mean over stations that reported, so two stations on one field do not
 * double the rain.
 */
export function dailyRain(
  readings: readonly StoredReading[],
  offsetMinutes: number,
): Map<string, number> {
  const perStation = new Map<string, Map<string, number>>();
  for (const r of readings) {
    if (r.stream !== 'weather') continue;
    const date = localDate(r.timeMs, offsetMinutes);
    let byStation = perStation.get(date);
    if (byStation === undefined) perStation.set(date, (byStation = new Map<string, number>()));
    byStation.set(r.deviceId, (byStation.get(r.deviceId) ?? 0) + (r.values.rainMm ?? 0));
  }
  const out = new Map<string, number>();
  for (const [date, byStation] of perStation) {
    const totals = [...byStation.values()];
    out.set(date, round(totals.reduce((s, v) => s + v, 0) / totals.length, 1));
  }
  return out;
}

interface Aggregated {
  days: SoilWaterDay[];
  probeIds: string[];
  readingCount: number;
}

/** The field's soil water and its stations' rain by local day, over [fromMs, toMs). */
async function aggregateDays(options: {
  store: TimeSeriesStore;
  fieldId: string;
  stationIds: string[];
  fromMs: number;
  toMs: number;
  offsetMinutes: number;
}): Promise<Aggregated> {
  const { store, fieldId, stationIds, fromMs, toMs, offsetMinutes } = options;
  const [soil, weather] = await Promise.all([
    queryChunked(store, { fieldId, stream: 'soil', fromMs, toMs }),
    stationIds.length === 0
      ? Promise.resolve([])
      : queryChunked(store, { deviceIds: stationIds, stream: 'weather', fromMs, toMs }),
  ]);
  const soilDays = dailySoilMeans(soil, offsetMinutes);
  const rainDays = dailyRain(weather, offsetMinutes);
  const dates = [...new Set([...soilDays.keys(), ...rainDays.keys()])].sort();
  return {
    days: dates.map((date) => ({
      date,
      vwc: soilDays.get(date) ?? { vwc10: null, vwc30: null, vwc60: null },
      rainMm: rainDays.get(date) ?? null,
    })),
    probeIds: [...new Set(soil.map((r) => r.deviceId))],
    readingCount: soil.length + weather.length,
  };
}

/**
 * The field's season of soil water and rain by local day (the cooperative's time zone), from
 * sowing to today, over the water balance's window (at most MAX_BALANCE_DAYS days: the chart
 * never has more points than that). Aggregated here so the page sends days, not readings. With
 * a cache, the days before yesterday come from it (a season of 15-minute readings from a few
 * probes is ~100,000 readings, about a second to read), and only yesterday and today are read.
 */
export async function soilWaterSeason(options: {
  registry: Registry;
  store: TimeSeriesStore;
  field: Field;
  nowMs: number;
  cache?: SeasonCache<SoilWaterDay>;
}): Promise<SoilWaterSeason> {
  const { registry, store, field, nowMs, cache } = options;
  const coop = await registry.coops.get(field.coopId);
  const offset = utcOffsetMinutes(coop?.timezone ?? 'UTC', nowMs);
  const window = balanceWindow({
    plantingDate: field.plantingDate,
    asOfMs: nowMs,
    utcOffsetMinutes: offset,
  });
  const stationIds = await stationsForField(registry, field);
  // Yesterday is read again each time: late readings (a relay's backlog) mostly land there.
  const yesterday = addDays(window.today, -1);
  const key = `${field.id}|${window.start}|${stationIds.join(',')}|${offset}`;
  const closed = cache?.get(key, { nowMs, closedBefore: yesterday });
  const fromDate = closed === undefined || yesterday < window.start ? window.start : yesterday;
  const recent = await aggregateDays({
    store,
    fieldId: field.id,
    stationIds,
    fromMs: localMidnightMs(fromDate, offset),
    toMs: nowMs + 1,
    offsetMinutes: offset,
  });
  if (closed === undefined)
    cache?.set(key, {
      closedBefore: yesterday,
      days: recent.days.filter((d) => d.date < yesterday),
      probeIds: recent.probeIds,
      readingCount: recent.readingCount,
      atMs: nowMs,
    });
  const days = [...(closed?.days ?? []), ...recent.days].filter(
    (d) => d.date >= window.start && d.date <= window.today,
  );
  return {
    from: window.start,
    to: window.today,
    days,
    stationIds,
    probeIds: [...new Set([...(closed?.probeIds ?? []), ...recent.probeIds])].sort(),
    readingCount: (closed?.readingCount ?? 0) + recent.readingCount,
  };
}
