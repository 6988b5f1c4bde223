import type { Field, StoredReading } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { localDate, summariseStation, type StationWeather } from '@shamba/agronomy';
import { indexMean } from '@shamba/raster';

/** One forecast's reading: a field, the stations it reads, and its window of time. */
export interface SeasonInputsRequest {
  field: Field;
  stations: readonly string[];
  /** Where the balance starts reading (local midnight of its first day). */
  startMs: number;
  /** The instant forecast: nothing after it is read. */
  asOfMs: number;
  utcOffsetMinutes: number;
}

/** What a field's forecast reads besides the field itself, all of it known by `asOfMs`. */
export interface SeasonInputs {
  weather: StationWeather;
  /** Each probe's last reading of each local day. */
  soil: StoredReading[];
  /** Valve controllers' reports of applied water. */
  status: StoredReading[];
  /** NDVI of each scene acquired by `asOfMs` (null where cloudy), oldest first. */
  ndvi: { acquiredMs: number; value: number | null }[];
}

/**
 * Each request's readings and scenes cut at its instant, so a forecast as of a past date sees
 * what the box could have seen then and nothing after: readings (weather, soil, valves) with a
 * device time from `startMs` up to `asOfMs` and scenes acquired by it. The cut is made here,
 * not trusted to the balance downstream: a station's day is summarised from its readings, so a
 * reading later on the as-of day would otherwise reach that day's pressure (the site's
 * elevation, so ET0) and the "record starts" reason.
 *
 * Each station set and each field is read once, over the widest window its requests need, and
 * cut in memory per request: a season's weekly points cost one read of the season, not one per
 * week (a probe's season is tens of thousands of readings, and SQLite reads block the thread).
 */
export async function readSeasonInputs(
  source: { registry: Registry; store: TimeSeriesStore },
  requests: readonly SeasonInputsRequest[],
): Promise<SeasonInputs[]> {
  const { registry, store } = source;
  const stationsKey = (r: SeasonInputsRequest) => r.stations.join(',');
  // The store's window ends exclusively: a reading stamped at `asOfMs` itself is known.
  const widest = (list: readonly SeasonInputsRequest[]) => ({
    fromMs: Math.min(...list.map((r) => r.startMs)),
    toMs: Math.max(...list.map((r) => r.asOfMs)) + 1,
  });
  const weatherReads = new Map(
    [...groupBy(requests, stationsKey)].map(([key, list]) => [
      key,
      store.query({ deviceIds: list[0]!.stations, stream: 'weather', ...widest(list) }),
    ]),
  );
  const fieldReads = new Map(
    [...groupBy(requests, (r) => r.field.id)].map(([fieldId, list]) => {
      const field = list[0]!.field;
      const window = widest(list);
      return [
        fieldId,
        Promise.all([
          store.query({ fieldId, stream: 'soil', ...window }),
          store.query({ fieldId, stream: 'status', ...window }),
          // Only scenes the field's cooperative may use (its own and the shared ones).
          registry.scenes.fieldSeries(fieldId, { visibleTo: field.coopId }),
        ]),
      ] as const;
    }),
  );
  const [weather, perField] = await Promise.all([settle(weatherReads), settle(fieldReads)]);

  // Fields on one station with one window share its summary (a cooperative's mostly do).
  const summaries = new Map<string, StationWeather>();
  return requests.map((r) => {
    const within = (x: { timeMs: number }) => x.timeMs >= r.startMs && x.timeMs <= r.asOfMs;
    const summaryKey = `${stationsKey(r)}|${r.startMs}|${r.asOfMs}|${r.utcOffsetMinutes}`;
    let station = summaries.get(summaryKey);
    if (station === undefined) {
      station = summariseStation(weather.get(stationsKey(r))!.filter(within), {
        utcOffsetMinutes: r.utcOffsetMinutes,
      });
      summaries.set(summaryKey, station);
    }
    const [soil, status, scenes] = perField.get(r.field.id)!;
    return {
      weather: station,
      // Only each probe's last reading of a day counts (it resets Dr); pass no more.
      soil: lastOfDay(soil.filter(within), r.utcOffsetMinutes),
      status: status.filter((x) => within(x) && x.values.appliedMm !== undefined),
      // By acquisition date: a scene's `processedMs` is when this box read it, which for an
      // archive imported late says nothing of when the image could first have been had.
      ndvi: scenes
        .filter((s) => s.acquiredMs <= r.asOfMs)
        .map((s) => ({ acquiredMs: s.acquiredMs, value: indexMean(s.indices, 'ndvi') })),
    };
  });
}

/** The map with each promise's value, once all are in (or the first failure). */
async function settle<K, V>(pending: ReadonlyMap<K, Promise<V>>): Promise<Map<K, V>> {
  const keys = [...pending.keys()];
  const values = await Promise.all(pending.values());
  return new Map(keys.map((k, i) => [k, values[i]!]));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}

/** Each device's last reading of each local day, in time order. */
function lastOfDay<T extends { deviceId: string; timeMs: number }>(
  readings: readonly T[],
  utcOffsetMinutes: number,
): T[] {
  const last = new Map<string, T>();
  for (const r of readings) {
    const key = `${r.deviceId}|${localDate(r.timeMs, utcOffsetMinutes)}`;
    const seen = last.get(key);
    if (seen === undefined || r.timeMs > seen.timeMs) last.set(key, r);
  }
  return [...last.values()].sort((a, b) => a.timeMs - b.timeMs);
}
