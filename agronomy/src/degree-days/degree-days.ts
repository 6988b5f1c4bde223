import type { DegreeDayRequest } from '@shamba/schemas';

/**
 * Degree-days of one day: the area between the day's temperature curve and the lower threshold,
 * in °C·day, limited by the upper threshold (Baskerville & Emin 1969, Ecology 50: 514-517; the
 * methods and cutoffs as the UC IPM "How to calculate degree-days" pages give them).
 *
 * Both curves run from the day's minimum to its maximum and back, symmetric about the mean
 * M = (Tmax + Tmin)/2 with amplitude α = (Tmax − Tmin)/2: a sine, M + α·sin(2πt), or a triangle.
 * For a curve T(t), let
 *   A(x) = ∫ max(0, T(t) − x) dt over the day   (the area above a line at x), and
 *   P(x) = the fraction of the day with T(t) > x.
 * Then, with lower threshold L and upper U:
 *   horizontal cutoff (development at U's rate above U):  DD = A(L) − A(U)
 *   vertical cutoff (no development above U):            DD = A(L) − A(U) − (U − L)·P(U)
 * which gives every case of the UC IPM tables (both thresholds crossed or not).
 */
export function degreeDays(day: DegreeDayRequest): number {
  const curve = day.method === 'single-sine' ? sine(day) : triangle(day);
  const lower = curve.areaAbove(day.lowerC);
  if (day.upperC === undefined) return lower;
  const upper = curve.areaAbove(day.upperC);
  const dd =
    day.cutoff === 'horizontal'
      ? lower - upper
      : lower - upper - (day.upperC - day.lowerC) * curve.timeAbove(day.upperC);
  // Rounding can leave −1e-16 where the answer is 0.
  return Math.max(0, dd);
}

interface Curve {
  areaAbove(x: number): number;
  timeAbove(x: number): number;
}

/**
 * The single sine, T(t) = M + α·sin(2πt). Where it crosses x, θ = asin((x − M)/α); above x for
 * the fraction (π/2 − θ)/π of the day, and A(x) = [(M − x)(π/2 − θ) + α·cos θ]/π (the UC IPM
 * single-sine formula for a lower threshold, Baskerville & Emin 1969 eq. 1).
 */
function sine({ tMinC, tMaxC }: DegreeDayRequest): Curve {
  const mean = (tMaxC + tMinC) / 2;
  const amplitude = (tMaxC - tMinC) / 2;
  const theta = (x: number) => Math.asin((x - mean) / amplitude);
  return {
    areaAbove(x) {
      if (x >= tMaxC) return 0;
      if (x <= tMinC) return mean - x;
      const t = theta(x);
      return ((mean - x) * (Math.PI / 2 - t) + amplitude * Math.cos(t)) / Math.PI;
    },
    timeAbove(x) {
      if (x >= tMaxC) return 0;
      if (x <= tMinC) return 1;
      return (Math.PI / 2 - theta(x)) / Math.PI;
    },
  };
}

/**
 * The single triangle: linear from Tmin to Tmax in half a day and back. Above x for the fraction
 * (Tmax − x)/(Tmax − Tmin) of the day, and A(x) = (Tmax − x)²/(2(Tmax − Tmin)) (the area of the
 * two triangles above x: the UC IPM single-triangle formula for a lower threshold).
 */
function triangle({ tMinC, tMaxC }: DegreeDayRequest): Curve {
  const range = tMaxC - tMinC;
  return {
    areaAbove(x) {
      if (x >= tMaxC) return 0;
      if (x <= tMinC) return (tMaxC + tMinC) / 2 - x;
      return (tMaxC - x) ** 2 / (2 * range);
    },
    timeAbove(x) {
      if (x >= tMaxC) return 0;
      if (x <= tMinC) return 1;
      return (tMaxC - x) / range;
    },
  };
}
