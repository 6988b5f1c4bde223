import { ShambaError, type Field } from '@shamba/schemas';
import type { TimeSeriesStore } from '@shamba/storage';
import { addDays } from '@shamba/agronomy';
import { rainOverEt0FromDays, readStationDays, seasonEndDate } from './history-season-weather.js';
import type { NumberedHistoryRow } from './yield-history.js';

/**
 * Rows an upload may leave to have their rain over ET0 computed. Each needs a season of station
 * weather read and summarised (about 0.2 s when read alone) and ~180 days of FAO-56 ET0: 2,000
 * rows is a large cooperative's fields over several seasons, yet bounded work; more is split
 * into several uploads, or sent with rain_over_et0.
 */
export const MAX_COMPUTED_ROWS = 2_000;

/**
 * Station weather reads an upload may cause: a read is one station (or set of stations) over a
 * window of at most WEATHER_WINDOW_DAYS, shared by every row sown in it. 200 is 10 stations over
 * 20 years of a cooperative's history; each read is a few tenths of a second, and the event loop
 * is given back between reads, so an upload never holds the API for long.
 */
export const MAX_WEATHER_READS = 200;

/**
 * One read holds at most a year of days: the rows of a station sown within a year share it
 * (a season's fields are sown within weeks), and the readings held at once stay a year's.
 */
export const WEATHER_WINDOW_DAYS = 366;

/** A history row that lacks rain over ET0 and has a sowing date and a known field. */
export interface RowToCompute {
  numbered: NumberedHistoryRow;
  sowingDate: string;
  field: Field;
  stationIds: readonly string[];
}

/** Rows that read the same stations over one window, read once. */
interface WeatherRead {
  stationIds: readonly string[];
  fromDate: string;
  toDate: string;
  rows: RowToCompute[];
}

/**
 * The weather reads the rows need, grouped by station set and sowing date, each window at most
 * WEATHER_WINDOW_DAYS. Refuses (INVALID_REQUEST) more than MAX_COMPUTED_ROWS rows or more than
 * MAX_WEATHER_READS reads, before any weather is read: split the upload or give rain_over_et0.
 */
export function planWeatherReads(rows: readonly RowToCompute[]): WeatherRead[] {
  if (rows.length > MAX_COMPUTED_ROWS) throw tooMuchToCompute(`${rows.length} rows`, rows.length);
  const byStations = new Map<string, RowToCompute[]>();
  for (const row of rows) {
    const key = JSON.stringify([...row.stationIds].sort());
    byStations.set(key, [...(byStations.get(key) ?? []), row]);
  }
  const reads = [...byStations.values()].flatMap(windowsOf);
  if (reads.length > MAX_WEATHER_READS)
    throw tooMuchToCompute(
      `${reads.length} station-years of weather (at most ${MAX_WEATHER_READS})`,
      rows.length,
    );
  return reads;
}

/** One station set's rows, oldest sowing first, cut into windows of at most a year. */
function windowsOf(rows: readonly RowToCompute[]): WeatherRead[] {
  const reads: WeatherRead[] = [];
  const sorted = [...rows].sort((a, b) => a.sowingDate.localeCompare(b.sowingDate));
  for (const row of sorted) {
    const end = seasonEndDate(row.numbered.row.crop, row.sowingDate);
    const last = reads.at(-1);
    if (last !== undefined && end <= addDays(last.fromDate, WEATHER_WINDOW_DAYS)) {
      last.rows.push(row);
      if (end > last.toDate) last.toDate = end;
    } else
      reads.push({
        stationIds: row.stationIds,
        fromDate: row.sowingDate,
        toDate: end,
        rows: [row],
      });
  }
  return reads;
}

function tooMuchToCompute(what: string, rows: number): ShambaError {
  return new ShambaError(
    'INVALID_REQUEST',
    `${rows} rows lack rain_over_et0, and computing it from the stations' weather would take ${what}; ` +
      `an upload may leave it to compute for at most ${MAX_COMPUTED_ROWS} rows over ${MAX_WEATHER_READS} station-years: ` +
      'split the upload, or give rain_over_et0 in the CSV',
    {
      details: {
        rowsToCompute: rows,
        maxRows: MAX_COMPUTED_ROWS,
        maxWeatherReads: MAX_WEATHER_READS,
      },
    },
  );
}

/**
 * Each row's rain over ET0 (by CSV line), or the reason it cannot be computed: every window's
 * weather read once, the event loop given back after each read.
 */
export async function computeRainOverEt0(input: {
  reads: readonly WeatherRead[];
  store: TimeSeriesStore;
  utcOffsetMinutes: number;
}): Promise<Map<number, number | { missing: string }>> {
  const computed = new Map<number, number | { missing: string }>();
  for (const read of input.reads) {
    const days =
      read.stationIds.length === 0
        ? []
        : await readStationDays({
            ...read,
            store: input.store,
            utcOffsetMinutes: input.utcOffsetMinutes,
          });
    for (const { numbered, field, sowingDate } of read.rows) {
      const result =
        read.stationIds.length === 0
          ? { missing: 'the cooperative has no weather station' }
          : rainOverEt0FromDays({ days, field, crop: numbered.row.crop, sowingDate });
      computed.set(numbered.line, 'missing' in result ? result : result.rainOverEt0);
    }
    // Other requests run between reads: an upload's work never holds the API for long.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return computed;
}
