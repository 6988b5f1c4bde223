import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { productFor } from './fertiliser-products.js';
import { nitrogenRate } from './nitrogen-rate.js';

const wheat = {
  crop: 'wheat',
  zoneNdvi: 0.5,
  referenceNdvi: 0.65,
  reference: 'n-rich-strip' as const,
  growingDays: 100,
  areaHa: 0.5,
};

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
            ...wheat,
            crop: 'maize',
            zoneNdvi: zone,
            referenceNdvi: 0.85,
          });
          const worse = nitrogenRate({
            ...wheat,
            crop: 'maize',
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
    expect(nitrogenRate({ ...wheat, crop: 'coffee' }).status).toBe('unsupported-crop');
    expect(nitrogenRate({ ...wheat, growingDays: 10 })).toMatchObject({
      status: 'too-early',
      nKgHa: 0,
    });
  });

  it('splits a large dose in two halves', () => {
    const r = nitrogenRate({
      ...wheat,
      crop: 'maize',
      zoneNdvi: 0.45,
      referenceNdvi: 0.8,
      growingDays: 45,
    });
    expect(r.nKgHa).toBeGreaterThan(60);
    expect(r.splits.map((s) => s.share)).toEqual([0.5, 0.5]);
    expect(r.splits[0]!.nKgHa + r.splits[1]!.nKgHa).toBeCloseTo(r.nKgHa, 1);
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
