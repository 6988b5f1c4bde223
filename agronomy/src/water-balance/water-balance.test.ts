import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CROP_PARAMETERS, cropParameters } from '../crops/crop-parameters.js';
import { adjustKcForClimate, cropDay } from './crop-coefficient.js';
import { stepWaterBalance } from './daily-balance.js';
import {
  adjustDepletionFraction,
  depletionFromWaterContent,
  readilyAvailableWaterMm,
  totalAvailableWaterMm,
  waterStressCoefficient,
} from './soil-water.js';

describe('FAO-56 Example 36: TAW and RAW for tomato (Zr 0.8 m, p 0.40) on three soils', () => {
  // The book prints TAW whole and RAW to the millimetre.
  const soils = [
    { soil: 'loamy sand', fc: 0.15, wp: 0.06, taw: 72, raw: 29 },
    { soil: 'silt', fc: 0.32, wp: 0.15, taw: 136, raw: 54 },
    { soil: 'silty clay', fc: 0.35, wp: 0.23, taw: 96, raw: 38 },
  ];
  for (const s of soils) {
    it(s.soil, () => {
      const taw = totalAvailableWaterMm(s.fc, s.wp, 0.8);
      expect(taw).toBeCloseTo(s.taw, 6);
      expect(Math.round(readilyAvailableWaterMm(taw, 0.4))).toBe(s.raw);
    });
  }
});

describe('FAO-56 Example 37: ten days of drying under stress', () => {
  it('reproduces Ks and Dr day by day (TAW 160, p 0.40, ET0 5, Kc 1.2, Dr 55 mm at the start)', () => {
    const expectedDr = [61, 67, 72.8, 78.3, 83.4, 88.2, 92.6, 96.9, 100.8, 104.5];
    const expectedKs = [1, 1, 0.97, 0.91, 0.85, 0.8, 0.75, 0.7, 0.66, 0.62];
    let dr = 55;
    const got = expectedDr.map(() => {
      const day = stepWaterBalance({
        drPreviousMm: dr,
        et0Mm: 5,
        kc: 1.2,
        rainMm: 0,
        irrigationMm: 0,
        tawMm: 160,
        depletionFraction: 0.4,
      });
      dr = day.drMm;
      return { ks: Math.round(day.ks * 100) / 100, dr: Math.round(day.drMm * 10) / 10 };
    });
    expect(got).toEqual(expectedDr.map((d, i) => ({ ks: expectedKs[i], dr: d })));
  });
});

describe('soil water functions', () => {
  it('Ks is 1 up to RAW, linear to 0 at TAW (eq. 84)', () => {
    expect(waterStressCoefficient(64, 160, 0.4)).toBe(1);
    expect(waterStressCoefficient(112, 160, 0.4)).toBeCloseTo(0.5, 10);
    expect(waterStressCoefficient(160, 160, 0.4)).toBe(0);
  });

  it('p moves with ETc and stays within 0.1-0.8 (Table 22 footnote)', () => {
    expect(adjustDepletionFraction(0.55, 5)).toBeCloseTo(0.55, 10);
    expect(adjustDepletionFraction(0.55, 7)).toBeCloseTo(0.47, 10);
    expect(adjustDepletionFraction(0.55, 2)).toBeCloseTo(0.67, 10);
    expect(adjustDepletionFraction(0.2, 12)).toBe(0.1);
  });

  it('depletion from a probe reading is bounded by 0 and TAW (eq. 87)', () => {
    const soil = { fieldCapacity: 0.3, wiltingPoint: 0.15, rootDepthM: 1 };
    expect(depletionFromWaterContent({ ...soil, waterContent: 0.25 })).toBeCloseTo(50, 10);
    expect(depletionFromWaterContent({ ...soil, waterContent: 0.35 })).toBe(0);
    expect(depletionFromWaterContent({ ...soil, waterContent: 0.05 })).toBe(150);
  });
});

describe('stepWaterBalance', () => {
  const base = {
    et0Mm: 5,
    kc: 1.1,
    rainMm: 0,
    irrigationMm: 0,
    tawMm: 120,
    depletionFraction: 0.5,
  };

  it('heavy rain refills the root zone and the rest percolates (eq. 88)', () => {
    const day = stepWaterBalance({ ...base, drPreviousMm: 30, rainMm: 60 });
    expect(day.drMm).toBe(0);
    expect(day.deepPercolationMm).toBeCloseTo(60 - 5.5 - 30, 10);
  });

  it('a shower below 0.2 ET0 evaporates and counts for nothing', () => {
    expect(stepWaterBalance({ ...base, drPreviousMm: 30, rainMm: 0.9 }).effectiveRainMm).toBe(0);
    expect(stepWaterBalance({ ...base, drPreviousMm: 30, rainMm: 1 }).effectiveRainMm).toBe(1);
  });

  it('conserves water over any season: in − out = change in storage', () => {
    const day = fc.record({
      et0Mm: fc.double({ min: 0, max: 12, noNaN: true }),
      kc: fc.double({ min: 0.2, max: 1.3, noNaN: true }),
      rainMm: fc.double({ min: 0, max: 80, noNaN: true }),
      irrigationMm: fc.constantFrom(0, 0, 0, 25, 40),
    });
    fc.assert(
      fc.property(
        fc.array(day, { minLength: 1, maxLength: 120 }),
        fc.double({ min: 0, max: 120, noNaN: true }),
        (days, dr0) => {
          let dr = dr0;
          let balance = 0;
          for (const d of days) {
            const r = stepWaterBalance({ ...base, ...d, drPreviousMm: dr });
            expect(r.drMm).toBeGreaterThanOrEqual(0);
            expect(r.drMm).toBeLessThanOrEqual(base.tawMm);
            balance += r.effectiveRainMm + d.irrigationMm - r.etcAdjMm - r.deepPercolationMm;
            dr = r.drMm;
          }
          // Water gained by the root zone is depletion lost.
          expect(balance).toBeCloseTo(dr0 - dr, 6);
        },
      ),
    );
  });
});

describe('crop coefficient curve', () => {
  const maize = CROP_PARAMETERS.maize!;

  it('follows FAO-56 Table 11 stages and eq. 66 between them', () => {
    expect(cropDay(maize, 0, 2)).toEqual({ stage: 'initial', kc: 0.3, rootDepthM: 0.2 });
    // Halfway through development (30 + 25 days): Kc halfway from 0.3 to 1.2.
    const mid = cropDay(maize, 55, 2);
    expect(mid.stage).toBe('development');
    expect(mid.kc).toBeCloseTo(0.75, 10);
    expect(mid.rootDepthM).toBeCloseTo(0.2 + 1.5 * (55 / 80), 10);
    expect(cropDay(maize, 100, 2)).toEqual({ stage: 'mid-season', kc: 1.2, rootDepthM: 1.7 });
    expect(cropDay(maize, 160, 2).kc).toBeCloseTo(1.2 + 0.5 * (0.35 - 1.2), 10);
    expect(cropDay(maize, 200, 2).stage).toBe('after-harvest');
    // A shallow soil caps the roots.
    expect(cropDay(maize, 100, 0.6).rootDepthM).toBe(0.6);
    expect(cropDay(cropParameters('coffee'), 400, 2)).toEqual({
      stage: 'perennial',
      kc: 0.95,
      rootDepthM: 1.5,
    });
  });

  it('adjusts Kc mid for wind and dryness (eq. 62), not for the standard climate', () => {
    const standard = { kcTable: 1.2, windSpeed2mMs: 2, rhMinPct: 45, cropHeightM: 2 };
    expect(adjustKcForClimate(standard)).toBeCloseTo(1.2, 10);
    const dryWindy = adjustKcForClimate({ ...standard, windSpeed2mMs: 4, rhMinPct: 25 });
    expect(dryWindy).toBeCloseTo(1.2 + (0.08 + 0.08) * (2 / 3) ** 0.3, 10);
    expect(adjustKcForClimate({ ...standard, kcTable: 0.35 })).toBe(0.35);
  });

  it('has every crop the issue names, each with a source', () => {
    for (const crop of [
      'maize',
      'wheat',
      'teff',
      'sorghum',
      'rice',
      'soybean',
      'coffee',
      'sugarcane',
      'cotton',
      'beans',
    ]) {
      const p = CROP_PARAMETERS[crop];
      expect(p, crop).toBeDefined();
      expect(p!.kc.source.length).toBeGreaterThan(5);
      expect(p!.kc.mid).toBeGreaterThan(p!.kc.ini - 0.2);
      expect(p!.ky).toBeGreaterThan(0);
    }
  });
});
