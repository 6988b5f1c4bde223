import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appliedNKgHa, productFor } from './fertiliser-products.js';
import { nitrogenRate } from './nitrogen-rate.js';
import { SBNRC_COEFFICIENTS } from './sbnrc-coefficients.js';

/**
 * OSU's winter wheat, sensed at Feekes 5 in Oklahoma: some 100 days with GDD > 0 after an
 * autumn sowing (the built-in window is an East African spring wheat's, 25-50 days).
 */
const OKLAHOMA_WHEAT = {
  ...SBNRC_COEFFICIENTS.wheat!,
  sensingWindow: { fromGrowingDays: 60, toGrowingDays: 150, stages: 'Feekes 4-6, Oklahoma' },
};
const wheat = {
  crop: 'wheat',
  zoneNdvi: 0.5,
  referenceNdvi: 0.65,
  reference: 'n-rich-strip' as const,
  growingDays: 100,
  areaHa: 0.5,
  coefficients: OKLAHOMA_WHEAT,
};
/** Maize at V8-V10: 40 growing days, inside its window (30-55). */
const maize = { ...wheat, crop: 'maize', growingDays: 40, coefficients: undefined };
const { coefficients: _none, ...maizeInput } = maize;

describe('nitrogenRate (OSU SBNRC)', () => {
  it('follows the published winter wheat equations step by step', () => {
    // By hand: INSEY 0.005; YP0 = 590 e^(258.2 × 0.005) = 2145.6; RI_NDVI 1.3;
    // RI = 1.69 × 1.3 − 0.70 = 1.497; YPN = 3211.9; N = (3211.9 − 2145.6) × 0.0239 / 0.70 = 36.4.
    const r = nitrogenRate(wheat);
    expect(r.status).toBe('ok');
    expect(r.yp0KgHa).toBe(Math.round(590 * Math.exp(258.2 * 0.005)));
    expect(r.responseIndex).toBeCloseTo(1.497, 3);
    expect(r.nKgHa).toBeCloseTo(36.4, 1);
    expect(r.splits).toEqual([{ share: 1, nKgHa: r.nKgHa, when: 'now' }]);
    // Urea 46 % N: 79 kg/ha, 39.5 kg on half a hectare, 0.8 of a 50 kg bag.
    expect(r.products[0]).toEqual({
      product: 'urea',
      name: 'urea 46-0-0',
      kgPerHa: 79,
      kgPerPlot: 39.5,
      bagsPerPlot: 0.8,
    });
    expect(r.steps.map((s) => s.name)).toEqual(['INSEY', 'YP0', 'RI_NDVI', 'RI', 'YPN', 'N rate']);
  });

  it('gives more N to a zone that lags the reference more (monotonic)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 0.8, noNaN: true }),
        fc.double({ min: 0.01, max: 0.2, noNaN: true }),
        (zone, extraLag) => {
          const lagging = nitrogenRate({
            ...maizeInput,
            zoneNdvi: zone,
            referenceNdvi: 0.85,
          });
          const worse = nitrogenRate({
            ...maizeInput,
            zoneNdvi: Math.max(0.2, zone - extraLag),
            referenceNdvi: 0.85,
          });
          expect(worse.nKgHa + 0.05).toBeGreaterThanOrEqual(lagging.nKgHa);
        },
      ),
    );
  });

  it('gives no N to a zone as green as the reference, none to legumes, none too early', () => {
    expect(nitrogenRate({ ...wheat, referenceNdvi: 0.5 }).nKgHa).toBe(0);
    expect(nitrogenRate({ ...wheat, referenceNdvi: 0.4 }).nKgHa).toBe(0);
    expect(nitrogenRate({ ...wheat, crop: 'beans' }).status).toBe('legume');
    expect(nitrogenRate({ ...maizeInput, crop: 'coffee' }).status).toBe('unsupported-crop');
    expect(nitrogenRate({ ...wheat, growingDays: 10 })).toMatchObject({
      status: 'too-early',
      nKgHa: 0,
    });
  });

  it('gives the reference and a zone at or above it 0, not the regression intercept', () => {
    // Maize's harvest RI is 1.64 RI_NDVI - 0.5287: at RI_NDVI = 1 it is 1.11, which gave the
    // greenest zone (its own reference) some 17 kg N/ha before.
    // At NDVI 0.5 and 40 growing days YP0 is 10,823 kg/ha, below YPmax: RI decides.
    for (const zoneNdvi of [0.5, 0.55]) {
      const r = nitrogenRate({ ...maizeInput, zoneNdvi, referenceNdvi: 0.5 });
      expect([r.status, r.nKgHa, r.responseIndex, r.splits, r.products]).toEqual([
        'no-response',
        0,
        1,
        [],
        [],
      ]);
      expect(r.steps.find((s) => s.name === 'RI')).toMatchObject({
        formula: 'RI_NDVI <= 1: no response to N expected, RI = 1',
        value: 1,
      });
      expect(r.ypnKgHa).toBe(r.yp0KgHa);
    }
    // Just below the reference the published regression applies again.
    expect(
      nitrogenRate({ ...maizeInput, zoneNdvi: 0.49, referenceNdvi: 0.5 }).nKgHa,
    ).toBeGreaterThan(0);
  });

  it('rates maize only in its sensing window (V8-V10, 30-55 growing days)', () => {
    const at = (growingDays: number) => nitrogenRate({ ...maizeInput, growingDays }).status;
    // At 30 growing days NDVI 0.5 gives INSEY 0.0167: YP0 at its cap, beyond the fitted data.
    expect([at(29), at(30), at(40), at(55), at(56)]).toEqual([
      'too-early',
      'out-of-range',
      'ok',
      'ok',
      'too-late',
    ]);
    expect(nitrogenRate({ ...maizeInput, growingDays: 80 }).summary).toBe(
      'Too late for a sensor-based N rate: 80 growing days, past the stage the equation was fitted at; ' +
        'the sensing window of maize is 30-55 growing days (V8-V10 (Teal et al. 2006), about 35-45 days at Ziway, widened by the 5-day revisit).',
    );
  });

  it('gives no rate where INSEY sends YP0 to its cap, however pale the zone (teff, wheat, green maize)', () => {
    // Teff on the wheat equation: NDVI 0.45 against a strip at 0.60 after 35 growing days is
    // INSEY 0.0129, YP0 = 590 e^(258.2 x 0.0129) > the 3500 kg/ha cap: today's 0 was the cap's.
    const teff = nitrogenRate({
      crop: 'teff',
      zoneNdvi: 0.45,
      referenceNdvi: 0.6,
      reference: 'n-rich-strip',
      growingDays: 35,
      areaHa: 1,
    });
    expect([teff.status, teff.nKgHa, teff.yp0KgHa]).toEqual(['out-of-range', 0, null]);
    expect(teff.summary).toBe(
      'No sensor-based N rate: INSEY 0.0129 puts YP0 at its cap (3500 kg/ha), beyond the data the ' +
        'yield equation was fitted on, so a zone 1.33 times less green than its reference would get none.',
    );
    // At the reference itself there is nothing to rate: 0 by its response index, not out of range.
    const reference = nitrogenRate({ ...maizeInput, zoneNdvi: 0.65, growingDays: 30 });
    expect(reference.status).toBe('no-response');
  });

  it('takes off N applied since the scene, and stays within the season budget', () => {
    const sensor = nitrogenRate(maizeInput);
    // By hand: INSEY 0.5 / 40 = 0.0125; YP0 = 1565 e^(154.7 x 0.0125) = 10,823; RI_NDVI 1.3,
    // RI 1.603, YPN = min(17,351, 12,000) = 12,000; N = (12,000 - 10,823) x 0.0125 / 0.6 = 24.5.
    expect([sensor.yp0KgHa, sensor.ypnKgHa, sensor.nKgHa]).toEqual([10823, 12000, 24.5]);
    // 20 kg N/ha applied after the scene: the canopy could not show it yet.
    const after = nitrogenRate({ ...maizeInput, appliedSinceSensingKgHa: 20 });
    expect(after.nKgHa).toBe(4.5);
    expect(after.steps.at(-1)).toEqual({
      name: 'N rate less N applied since the scene',
      formula: 'max(0, 24.5 - 20 applied on or after the sensing date)',
      value: 4.5,
      unit: 'kg N/ha',
      source: 'N the scene could not see (recorded fertiliser applications)',
    });
    expect(nitrogenRate({ ...maizeInput, appliedSinceSensingKgHa: 60 }).nKgHa).toBe(0);
    // 10.3 kg N/ha left of the season's budget: the rate stops there.
    const capped = nitrogenRate({ ...maizeInput, budgetRemainingKgHa: 10.3 });
    expect([capped.nKgHa, capped.steps.at(-1)!.name]).toEqual([
      10.3,
      'N rate within the season budget',
    ]);
    expect(nitrogenRate({ ...maizeInput, budgetRemainingKgHa: 100 }).nKgHa).toBe(24.5);
  });

  it('splits a large dose in two halves', () => {
    const r = nitrogenRate({ ...maizeInput, zoneNdvi: 0.45, referenceNdvi: 0.8, growingDays: 45 });
    expect(r.nKgHa).toBeGreaterThan(60);
    expect(r.splits.map((s) => s.share)).toEqual([0.5, 0.5]);
    expect(r.splits[0]!.nKgHa + r.splits[1]!.nKgHa).toBeCloseTo(r.nKgHa, 1);
  });
});

describe('appliedNKgHa', () => {
  it('takes the N of a recorded application from its product, or as given', () => {
    expect(appliedNKgHa({ product: 'urea', amount: 100, unit: 'kg-product-ha' })).toBe(46);
    expect(appliedNKgHa({ product: 'dap', amount: 100, unit: 'kg-product-ha' })).toBe(18);
    expect(appliedNKgHa({ product: 'nps', amount: 121, unit: 'kg-product-ha' })).toBe(23);
    expect(appliedNKgHa({ product: 'manure', amount: 30, unit: 'kg-n-ha' })).toBe(30);
    expect(() => appliedNKgHa({ product: 'manure', amount: 3, unit: 'kg-product-ha' })).toThrow(
      /unknown product manure/,
    );
  });
});

describe('productFor', () => {
  it('converts N to product by its N content', () => {
    expect(productFor(46, 'urea', 1)).toMatchObject({
      kgPerHa: 100,
      kgPerPlot: 100,
      bagsPerPlot: 2,
    });
    expect(productFor(27, 'can', 0.25)).toMatchObject({
      kgPerHa: 100,
      kgPerPlot: 25,
      bagsPerPlot: 0.5,
    });
  });
});
