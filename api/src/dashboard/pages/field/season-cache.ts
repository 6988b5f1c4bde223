/** A field's days before yesterday, aggregated once: they change only if readings come late. */
export interface ClosedDays<Day> {
  /** The days kept are all before this local date. */
  closedBefore: string;
  days: Day[];
  probeIds: string[];
  readingCount: number;
  /** When they were read (the page's clock). */
  atMs: number;
}

/** Generic in the day's shape (soil-water.ts's `SoilWaterDay`), which it never reads. */
export interface SeasonCache<Day> {
  /** The entry when it is fresh and closes the same day; else undefined (read it all again). */
  get(key: string, at: { nowMs: number; closedBefore: string }): ClosedDays<Day> | undefined;
  set(key: string, entry: ClosedDays<Day>): void;
}

/**
 * A bounded, in-memory cache of closed days per field. `ttlMs` (default 15 minutes) bounds how
 * late a reading for a day before yesterday (a probe's store-and-forward after a long outage)
 * shows on the chart; `maxFields` (default 500: a cooperative box's fields, many times over)
 * bounds the memory, about 240 days x 4 numbers per field.
 */
export function createSeasonCache<Day>(
  options: { ttlMs?: number; maxFields?: number } = {},
): SeasonCache<Day> {
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const maxFields = options.maxFields ?? 500;
  // A Map iterates in insertion order: re-inserting on use keeps it least recently used first.
  const entries = new Map<string, ClosedDays<Day>>();
  return {
    get(key, at) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.closedBefore !== at.closedBefore || at.nowMs - entry.atMs >= ttlMs)
        return undefined;
      entries.set(key, entry);
      return entry;
    },
    set(key, entry) {
      entries.delete(key);
      entries.set(key, entry);
      while (entries.size > maxFields) entries.delete(entries.keys().next().value!);
    },
  };
}
