import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DegreeDayRequest } from '@shamba/schemas';
import { calculateDegreeDays } from './degree-day-calculator.js';
import { degreeDays } from './degree-days.js';

const day = (
  d: Omit<DegreeDayRequest, 'cutoff'> & Partial<DegreeDayRequest>,
): DegreeDayRequest => ({
  cutoff: 'horizontal',
  ...d,
});

/**
 * The same day by brute force: the development rate (horizontal: T clamped to [L, U], less L;
 * vertical: none above U) integrated over the day's curve by the midpoint rule.
 */
function integrated(d: DegreeDayRequest, steps = 100_000): number {
  const mean = (d.tMaxC + d.tMinC) / 2;
  const amplitude = (d.tMaxC - d.tMinC) / 2;
  const temperature = (t: number) =>
    d.method === 'single-sine'
      ? mean + amplitude * Math.sin(2 * Math.PI * t)
      : t < 0.5
        ? d.tMinC + (d.tMaxC - d.tMinC) * 2 * t
        : d.tMaxC - (d.tMaxC - d.tMinC) * 2 * (t - 0.5);
  const upper = d.upperC ?? Infinity;
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const temp = temperature((i + 0.5) / steps);
    if (temp <= d.lowerC) continue;
    if (temp >= upper) sum += d.cutoff === 'horizontal' ? upper - d.lowerC : 0;
    else sum += temp - d.lowerC;
  }
  return sum / steps;
}

describe('degreeDays (Baskerville & Emin 1969, as UC IPM gives them)', () => {
  it('gives the closed-form cases of both methods', () => {
    for (const method of ['single-sine', 'single-triangle'] as const) {
      // Between the thresholds all day: the mean less the lower threshold, whatever the cutoff.
      for (const cutoff of ['horizontal', 'vertical'] as const)
        expect(degreeDays({ tMinC: 12, tMaxC: 26, lowerC: 10, upperC: 30, method, cutoff })).toBe(
          9,
        );
      // Below the lower threshold all day: none.
      expect(degreeDays(day({ tMinC: 2, tMaxC: 9.5, lowerC: 10, method }))).toBe(0);
      // Above the upper all day: U − L with a horizontal cutoff, none with a vertical one.
      const hot = { tMinC: 34, tMaxC: 41, lowerC: 12, upperC: 33, method };
      expect(degreeDays({ ...hot, cutoff: 'horizontal' })).toBe(21);
      expect(degreeDays({ ...hot, cutoff: 'vertical' })).toBe(0);
    }
    // Triangle, lower threshold crossed: (Tmax − L)² / (2 (Tmax − Tmin)) = 15² / 40.
    expect(degreeDays(day({ tMinC: 5, tMaxC: 25, lowerC: 10, method: 'single-triangle' }))).toBe(
      5.625,
    );
    // Sine with L at the mean: θ = 0, DD = α/π.
    expect(
      degreeDays(day({ tMinC: 10, tMaxC: 30, lowerC: 20, method: 'single-sine' })),
    ).toBeCloseTo(10 / Math.PI, 12);
    // Sine with U at the mean and L below Tmin: horizontal (M − L) − α/π; vertical also loses
    // (U − L) for the half day above U.
    const sine = { tMinC: 10, tMaxC: 30, lowerC: 0, upperC: 20, method: 'single-sine' } as const;
    expect(degreeDays({ ...sine, cutoff: 'horizontal' })).toBeCloseTo(20 - 10 / Math.PI, 12);
    expect(degreeDays({ ...sine, cutoff: 'vertical' })).toBeCloseTo(10 - 10 / Math.PI, 12);
  });

  it('agrees with a numerical integration of the same curves, for any day and thresholds', () => {
    const arbitrary = fc
      .record({
        tMinC: fc.double({ min: -10, max: 35, noNaN: true }),
        rangeC: fc.double({ min: 0.5, max: 25, noNaN: true }),
        lowerC: fc.double({ min: -5, max: 30, noNaN: true }),
        spanC: fc.option(fc.double({ min: 1, max: 25, noNaN: true }), { nil: undefined }),
        method: fc.constantFrom('single-sine' as const, 'single-triangle' as const),
        cutoff: fc.constantFrom('horizontal' as const, 'vertical' as const),
      })
      .map(({ tMinC, rangeC, lowerC, spanC, method, cutoff }): DegreeDayRequest => ({
        tMinC,
        tMaxC: tMinC + rangeC,
        lowerC,
        ...(spanC === undefined ? {} : { upperC: lowerC + spanC }),
        method,
        cutoff,
      }));
    fc.assert(
      fc.property(arbitrary, (d) => {
        expect(degreeDays(d)).toBeCloseTo(integrated(d), 3);
      }),
      { numRuns: 200 },
    );
  });
});

describe('calculateDegreeDays (the CLI contract)', () => {
  it('answers a day, or each day of an array with a bad one refused in its place', () => {
    const sunny = { tMinC: 12, tMaxC: 26, lowerC: 10, method: 'single-triangle' };
    expect(calculateDegreeDays(sunny)).toEqual({ degreeDays: 9 });
    expect(
      calculateDegreeDays([
        sunny,
        { ...sunny, method: 'double-sine' },
        { ...sunny, lowerC: 10, upperC: 8 },
        { ...sunny, tMaxC: 5 },
      ]),
    ).toEqual([
      { degreeDays: 9 },
      {
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringMatching(/^\[1\] .*method/s) as unknown,
        },
      },
      {
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringMatching(/^\[2\] .*upperC must be above lowerC/s) as unknown,
        },
      },
      {
        error: {
          code: 'INVALID_REQUEST',
          message: expect.stringMatching(/^\[3\] .*tMaxC must not be below tMinC/s) as unknown,
        },
      },
    ]);
  });
});
