import { describe, expect, it } from 'vitest';
import { addDays } from '@shamba/agronomy';
import { createSeasonPointCache } from './season-cache.js';
import { MAX_SEASON_POINTS, pastDates, type SeasonPoint } from './season-points.js';

describe("a season's points", () => {
  it('are weekly from sowing to before today, and wider apart past MAX_SEASON_POINTS', () => {
    expect(pastDates('2026-08-01', '2026-09-15')).toEqual(
      [0, 7, 14, 21, 28, 35, 42].map((d) => addDays('2026-08-01', d)),
    );
    // Sown today or later: no past point (today's is the forecast now).
    expect(pastDates('2026-09-15', '2026-09-15')).toEqual([]);
    expect(pastDates('2026-09-20', '2026-09-15')).toEqual([]);
    // 175 days: 25 weeks, plus today's point makes MAX_SEASON_POINTS.
    expect(pastDates('2026-01-01', addDays('2026-01-01', 175))).toHaveLength(MAX_SEASON_POINTS - 1);
    // 200 days: every two weeks, from sowing.
    const long = pastDates('2026-01-01', addDays('2026-01-01', 200));
    expect(long).toEqual(Array.from({ length: 15 }, (_, i) => addDays('2026-01-01', 14 * i)));
  });

  it('are cached least recently used first out, and computed again after the TTL', () => {
    let nowMs = 0;
    const cache = createSeasonPointCache<SeasonPoint>({
      clock: () => nowMs,
      maxEntries: 2,
      ttlMs: 1_000,
    });
    const point = (date: string): SeasonPoint => ({
      date,
      known: 'season-to-date',
      p10: 1,
      p50: 2,
      p90: 3,
      fao33THa: 4,
    });
    cache.set('a', point('2026-08-01'));
    cache.set('b', point('2026-08-08'));
    expect(cache.get('a')).toEqual(point('2026-08-01')); // a is now the most recent
    cache.set('c', point('2026-08-15'));
    expect([cache.get('a')?.date, cache.get('b'), cache.get('c')?.date, cache.size]).toEqual([
      '2026-08-01',
      undefined,
      '2026-08-15',
      2,
    ]);
    nowMs = 1_001;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
