import { describe, expect, it } from 'vitest';
import { OROMIA_DEMO } from '../scenarios/oromia-demo.js';
import {
  profileWaterContent,
  rootZoneWaterContent,
  stepDepletion,
  totalAvailableWaterMm,
} from './soil-water.js';
import { createWorld } from './world.js';

const loam = { fieldCapacity: 0.25, wiltingPoint: 0.12, rootDepthM: 0.6, depletionFraction: 0.55 };

describe('soil water bucket', () => {
  it('follows FAO-56 eq. 82 and 85', () => {
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

  it('dries in daylight, wets with rain, and replays identically from its seed', () => {
    const start = Date.UTC(2026, 8, 1, 0);
    const a = createWorld(OROMIA_DEMO, start);
    const field = 'field-almaz-maize';
    const d0 = a.depletionMm(field);
    a.advanceTo(start + 24 * 3_600_000);
    const d1 = a.depletionMm(field);
    expect(d1 - d0).toBeCloseTo(5.6, 1); // one day of the field's ETc, unstressed
    a.advanceTo(start + 48 * 3_600_000); // day two has a 3 mm shower
    expect(a.depletionMm(field) - d1).toBeCloseTo(5.6 - 3, 1);

    const b = createWorld(OROMIA_DEMO, start);
    b.advanceTo(start + 48 * 3_600_000);
    expect(b.soilSample('probe-3-1', field)).toEqual(a.soilSample('probe-3-1', field));
  });
});
