import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { INT32_MAX, processDataValue, rateDdi } from './isoxml-ddi.js';

describe('rateDdi', () => {
  it('writes water as DDI 1 (0.01 mm³/m² steps) while every rate fits in 32 bits', () => {
    const ddi = rateDdi('mm', [12.5, 0, 21.47]);
    expect(ddi.ddi).toBe(1);
    expect(processDataValue(ddi, 12.5)).toBe(1_250_000_000);
    expect(processDataValue(ddi, 21.47)).toBe(2_147_000_000);
  });

  it('moves the whole file to DDI 588 (ml/m²) when one rate would overflow DDI 1', () => {
    // 21.48 mm is 2,148,000,000 steps of 0.01 mm³/m²: above 2^31 - 1, it would wrap negative.
    expect(Math.round(21.48 * 1e8)).toBeGreaterThan(INT32_MAX);
    const ddi = rateDdi('mm', [21.48, 3]);
    expect(ddi.ddi).toBe(0x024c);
    expect([processDataValue(ddi, 21.48), processDataValue(ddi, 3)]).toEqual([214_800, 30_000]);
  });

  it('refuses a depth beyond DDI 588 too, rather than clamp or wrap it', () => {
    let error: unknown;
    try {
      rateDdi('mm', [250_000]);
    } catch (e) {
      error = e;
    }
    expect(isShambaError(error, 'OUT_OF_RANGE')).toBe(true);
    expect((error as Error).message).toBe(
      'a rate of 250000 mm is beyond what ISO 11783-11 DDI 1 or 588 can hold in 32 bits (ISOXML); use the GeoJSON or shapefile',
    );
  });

  it('writes fertiliser as DDI 6 in mg/m² (1 kg/ha = 100 mg/m²)', () => {
    const ddi = rateDdi('kg/ha', [100, 46.25]);
    expect(ddi.ddi).toBe(6);
    expect([processDataValue(ddi, 100), processDataValue(ddi, 46.25)]).toEqual([10_000, 4_625]);
    expect(() => rateDdi('kg N/ha', [30_000_000])).toThrow(/DDI 6/);
  });
});
