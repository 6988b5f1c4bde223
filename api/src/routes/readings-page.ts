import { ShambaError, type StoredReading, type UpStream } from '@shamba/schemas';
import type { TimeSeriesStore } from '@shamba/storage';
import { cursorOf, keyOfCursor } from '../http/pagination.js';

/** A reading's place in the list: newest first, then by device and stream (its store key). */
export type ReadingKey = [timeMs: number, deviceId: string, stream: string];

export const readingKeyOf = (r: StoredReading): ReadingKey => [r.timeMs, r.deviceId, r.stream];

/** Negative when `a` comes first: newer, then the greater device id, then the greater stream. */
export function compareReadingKeys(a: ReadingKey, b: ReadingKey): number {
  if (a[0] !== b[0]) return b[0] - a[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? 1 : -1;
  if (a[2] !== b[2]) return a[2] < b[2] ? 1 : -1;
  return 0;
}

/** The key a readings cursor names, or INVALID_REQUEST for anything else. */
export function readingKeyOfCursor(cursor: string): ReadingKey {
  const key = keyOfCursor(cursor);
  const [timeMs, deviceId, stream] = key;
  if (
    key.length === 3 &&
    typeof timeMs === 'number' &&
    Number.isInteger(timeMs) &&
    typeof deviceId === 'string' &&
    typeof stream === 'string'
  )
    return [timeMs, deviceId, stream];
  throw new ShambaError('INVALID_REQUEST', 'cursor: not a cursor this API gave');
}

export interface ReadingsPageQuery {
  fieldId: string;
  stream?: UpStream | undefined;
  /** Device-time window: inclusive start, exclusive end. */
  fromMs: number;
  toMs: number;
  limit: number;
  /** The last reading of the previous page. */
  after?: ReadingKey | undefined;
}

/**
 * One page of a field's readings, newest first, keyed by (time, device, stream): the store's
 * own key, so a page boundary neither splits nor repeats readings that share a millisecond.
 *
 * The time-series port answers "the newest N in a window", ordered by time and device but not
 * by stream, so the readings sharing the boundary's millisecond are read whole (at most a
 * field's devices times its streams: a few dozen) and ordered here; the rest come from one
 * windowed query of `limit + 1` (the one past the page says whether there is a next).
 */
export async function readingsPage(
  store: TimeSeriesStore,
  query: ReadingsPageQuery,
): Promise<{ readings: StoredReading[]; next: string | null }> {
  const { fromMs, toMs, limit, after } = query;
  const base = {
    fieldId: query.fieldId,
    ...(query.stream === undefined ? {} : { stream: query.stream }),
  };
  const atMs = (timeMs: number) => store.query({ ...base, fromMs: timeMs, toMs: timeMs + 1 });
  const found: StoredReading[] = [];
  let upperMs = toMs;
  if (after !== undefined) {
    const [timeMs] = after;
    if (timeMs < fromMs) return { readings: [], next: null };
    if (timeMs < toMs) {
      // The rest of the cursor's millisecond: the readings after it in the page order.
      for (const r of await atMs(timeMs))
        if (compareReadingKeys(readingKeyOf(r), after) > 0) found.push(r);
      upperMs = timeMs;
    }
  }
  if (found.length <= limit && fromMs < upperMs) {
    const wanted = limit + 1 - found.length;
    let older = await store.query({ ...base, fromMs, toMs: upperMs, limit: wanted });
    // A full answer may have cut its oldest millisecond short: read that one whole.
    const oldest = older[0];
    if (older.length === wanted && oldest !== undefined) {
      const cutMs = oldest.timeMs;
      older = [...older.filter((r) => r.timeMs !== cutMs), ...(await atMs(cutMs))];
    }
    found.push(...older);
  }
  const sorted = found.sort((a, b) => compareReadingKeys(readingKeyOf(a), readingKeyOf(b)));
  const page = sorted.slice(0, limit);
  const last = page.at(-1);
  return {
    readings: page,
    next: sorted.length > limit && last !== undefined ? cursorOf(readingKeyOf(last)) : null,
  };
}
