import { describe, expect, it } from 'vitest';
import { calibrate, calibratedBand, conformalQuantile } from './yield-calibration.js';

describe('conformalized quantile regression (Romano, Patterson & Candès 2019)', () => {
  it('takes the ⌈0.8 (n + 1)⌉-th smallest score', () => {
    // n = 9: ⌈0.8 × 10⌉ = 8th smallest.
    expect(conformalQuantile([9, 1, 8, 2, 7, 3, 6, 4, 5])).toBe(8);
    // n = 4: ⌈0.8 × 5⌉ = 4th, the largest.
    expect(conformalQuantile([0.3, -0.1, 0.2, 0.1])).toBe(0.3);
  });

  it('widens a band that held too few truths and narrows one that held too many, per point', () => {
    const band = { p10THa: 2, p50THa: 3, p90THa: 4 }; // width 2
    // Early: truths spread 0..6, far outside [2, 4]; late: all close to 3.
    const early = Array.from({ length: 99 }, (_, i) => ({
      crop: 'maize',
      point: 0.1,
      seasonFraction: 0.08,
      forecast: band,
      truth: (6 * i) / 98,
    }));
    const late = Array.from({ length: 99 }, (_, i) => ({
      crop: 'maize',
      point: 0.9,
      seasonFraction: 0.75,
      forecast: band,
      truth: 2.9 + (0.2 * i) / 98,
    }));
    const calibration = calibrate([...early, ...late])!;
    const [atEarly, atLate] = calibration.byPoint;
    expect(atEarly!.scale).toBeGreaterThan(0);
    expect(atLate!.scale).toBeLessThan(0);
    expect(calibration.byCrop.maize!.seasonFractions).toEqual([0.08, 0.75]);
    const cover = (rows: typeof early, seasonFraction: number) =>
      rows.filter((r) => {
        const b = calibratedBand(calibration, r.forecast, { crop: 'maize', seasonFraction });
        return r.truth >= b.p10THa && r.truth <= b.p90THa;
      }).length / rows.length;
    expect(cover(early, 0.08)).toBeCloseTo(0.8, 1);
    expect(cover(late, 0.75)).toBeCloseTo(0.8, 1);
    // Narrowed, never past P50; never below zero.
    const narrowed = calibratedBand(calibration, band, { crop: 'maize', seasonFraction: 0.75 });
    expect(narrowed.p10THa).toBeLessThanOrEqual(3);
    expect(narrowed.p90THa).toBeGreaterThanOrEqual(3);
    const widened = calibratedBand(calibration, band, { crop: 'teff', seasonFraction: 0 });
    expect(widened.p10THa).toBeGreaterThanOrEqual(0);
    expect(widened.p90THa - widened.p10THa).toBeGreaterThan(2);
  });
});
