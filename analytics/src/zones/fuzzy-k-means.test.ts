import { describe, expect, it } from 'vitest';
import { bestClassCount, fuzzyKMeans } from './fuzzy-k-means.js';

/** Points around given centres, with a small deterministic jitter. */
function clusters(centres: number[][], each: number): number[][] {
  return centres.flatMap((c, ci) =>
    Array.from({ length: each }, (_, k) =>
      c.map((v, j) => v + (((k * 7 + j * 3 + ci) % 11) - 5) * 0.02),
    ),
  );
}

describe('fuzzy k-means (MZA)', () => {
  it('finds the number of classes the data has, by FPI and NCE', () => {
    for (const centres of [
      [
        [0, 0],
        [3, 3],
      ],
      [
        [0, 0],
        [3, 0],
        [0, 3],
      ],
      [[0], [2], [4], [6]],
    ]) {
      const data = clusters(centres, 30);
      const results = [2, 3, 4, 5].map((c) => fuzzyKMeans(data, c));
      for (const r of results)
        for (const u of r.memberships) expect(u.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      expect(bestClassCount(results).c).toBe(centres.length);
    }
  });

  it('gives FPI and NCE near 0 for crisp classes and near 1 for none', () => {
    const crisp = fuzzyKMeans(clusters([[0], [10]], 20), 2);
    expect(crisp.fpi).toBeLessThan(0.01);
    expect(crisp.nce).toBeLessThan(0.01);
    // Every point alike: all memberships 1/2, both indices 1.
    const flat = fuzzyKMeans(
      Array.from({ length: 20 }, () => [0.5, 0.5]),
      2,
    );
    expect([flat.fpi, flat.nce]).toEqual([1, 1]);
  });
});
