import { describe, expect, it } from 'vitest';
import {
  profileWaterContent,
  rootZoneWaterContent,
  stepDepletion,
  totalAvailableWaterMm,
} from './soil-water.js';

const loam = { fieldCapacity: 0.25, wiltingPoint: 0.12, rootDepthM: 0.6, depletionFraction: 0.55 };

describe('soil water bucket', () => {
  it('follows FAO-56 eq. 82, 84 and 85', () => {
    expect(totalAvailableWaterMm(loam)).toBeCloseTo(78, 9);
    // Unstressed: Dr = 10 - 2 rain - 0 irrigation + 5 ETc = 13.
    expect(stepDepletion(loam, 10, { etcMm: 5, rainMm: 2, irrigationMm: 0 })).toBeCloseTo(13, 9);
    // Stressed (Dr 60 > RAW 42.9): Ks = (78 - 60) / (78 - 42.9) = 0.5128; Dr = 60 + 0.5128 * 5.
    expect(stepDepletion(loam, 60, { etcMm: 5, rainMm: 0, irrigationMm: 0 })).toBeCloseTo(
      62.564,
      3,
    );
    // Water beyond field capacity drains.
    expect(stepDepletion(loam, 10, { etcMm: 0, rainMm: 50, irrigationMm: 0 })).toBe(0);
  });

  it('never dries the root zone below wilting point under sustained ET', () => {
    let dr = 0;
    for (let day = 0; day < 365; day++)
      dr = stepDepletion(loam, dr, { etcMm: 8, rainMm: 0, irrigationMm: 0 });
    expect(dr).toBeLessThanOrEqual(78);
    expect(rootZoneWaterContent(loam, dr)).toBeGreaterThanOrEqual(loam.wiltingPoint - 1e-9);
    const profile = profileWaterContent(loam, dr);
    expect(Math.min(...Object.values(profile))).toBeGreaterThanOrEqual(loam.wiltingPoint * 0.9);
  });
});
