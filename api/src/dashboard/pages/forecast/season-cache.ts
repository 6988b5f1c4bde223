/**
 * At most this many past points are kept: 26 per season (see MAX_SEASON_POINTS) for about 190
 * fields, more than a cooperative box serves; each entry is a few hundred bytes, so ~1.5 MB.
 */
export const MAX_CACHED_POINTS = 5_000;

/**
 * A cached point is computed again after this long. Its key holds what the page can see the
 * point depends on (field record, model, day), not the readings and scenes themselves: a device
 * that was offline sends its backlog late and a scene is often processed days after it was
 * taken, both changing past weeks. Six hours takes them in the same day at a few recomputations
 * a day, each a season's points for a field in well under a second.
 */
export const SEASON_POINT_TTL_MS = 6 * 3_600_000;

/**
 * Past season points across page loads (a reload recomputes no past week), least recently used
 * first out, with the computations under way so two loads never start the same point twice.
 */
/** Generic in the point's shape (season-points.ts's `SeasonPoint`), which it never reads. */
export interface SeasonPointCache<Point> {
  get(key: string): Point | undefined;
  set(key: string, point: Point): void;
  /** Points being computed, by key: a later load waits for these rather than start them again. */
  readonly inFlight: Map<string, Promise<void>>;
  readonly size: number;
}

export function createSeasonPointCache<Point>(options: {
  clock: () => number;
  maxEntries?: number;
  ttlMs?: number;
}): SeasonPointCache<Point> {
  const { clock, maxEntries = MAX_CACHED_POINTS, ttlMs = SEASON_POINT_TTL_MS } = options;
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  const entries = new Map<string, { point: Point; atMs: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (clock() - entry.atMs > ttlMs) return undefined;
      entries.set(key, entry);
      return entry.point;
    },
    set(key, point) {
      entries.delete(key);
      entries.set(key, { point, atMs: clock() });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    inFlight: new Map(),
    get size() {
      return entries.size;
    },
  };
}
