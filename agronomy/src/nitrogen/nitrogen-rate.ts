import { round, type ComputationStep } from '@shamba/schemas';
import { createStepLog } from '../explain/step-log.js';
import {
  BAG_KG,
  N_PRODUCTS,
  productFor,
  type NProduct,
  type ProductAmount,
} from './fertiliser-products.js';
import { SBNRC_COEFFICIENTS, type SbnrcCoefficients } from './sbnrc-coefficients.js';

/** Legumes fix their own N: no topdress (FAO Fertilizer and Plant Nutrition Bulletin 16, §4). */
const LEGUMES = new Set(['soybean', 'beans']);
/**
 * Below this many growing days NDVI is mostly soil, not crop: OSU senses wheat at Feekes 4-6 and
 * maize at V8-V12, both about a month or more of growth.
 */
export const MIN_GROWING_DAYS = 20;
/**
 * A dose above this is split in two, two to three weeks apart: a single large dose on the light
 * soils of our cooperatives leaches before the crop can take it up. A cooperative rule, tunable.
 */
export const SPLIT_ABOVE_KG_N_HA = 60;

export interface NitrogenRateInput {
  crop: string;
  /** Mean NDVI of the zone on the sensing date. */
  zoneNdvi: number;
  /** NDVI of the N-rich reference strip or, without one, of the field's best zone. */
  referenceNdvi: number;
  reference: 'n-rich-strip' | 'best-zone';
  /** Days from sowing to sensing on which GDD = (Tmax + Tmin)/2 − 4.4 °C was above 0. */
  growingDays: number;
  areaHa: number;
  products?: readonly NProduct[];
  /** An agronomist's calibration, replacing the table row. */
  coefficients?: SbnrcCoefficients;
}

export interface NitrogenRate {
  status: 'ok' | 'legume' | 'unsupported-crop' | 'too-early';
  nKgHa: number;
  yp0KgHa: number | null;
  ypnKgHa: number | null;
  responseIndex: number | null;
  splits: { share: number; nKgHa: number; when: string }[];
  products: ProductAmount[];
  summary: string;
  steps: ComputationStep[];
  source: string;
}

/** N topdress for one zone by OSU's SBNRC (see `sbnrc-coefficients.ts` for the equations). */
export function nitrogenRate(input: NitrogenRateInput): NitrogenRate {
  const calibration = calibrationFor(input);
  if ('refused' in calibration) return calibration.refused;
  const { k } = calibration;
  const { yp0, ypn, ri, nKgHa, steps } = sbnrc(input, k);
  const n = round(nKgHa, 1);
  const splits = doseSplits(n);
  const products = (input.products ?? (['urea', 'can'] as const)).map((p) =>
    productFor(n, p, input.areaHa),
  );
  return {
    status: 'ok',
    nKgHa: n,
    yp0KgHa: Math.round(yp0),
    ypnKgHa: Math.round(ypn),
    responseIndex: round(ri, 3),
    splits,
    products,
    summary: doseSummary({ n, reference: input.reference, splits, products }),
    steps,
    source: k.source,
  };
}

/** The crop's SBNRC row, or no rate: a legume, a crop without a row, a crop too young to sense. */
function calibrationFor(
  input: NitrogenRateInput,
): { k: SbnrcCoefficients } | { refused: NitrogenRate } {
  const k = input.coefficients ?? SBNRC_COEFFICIENTS[input.crop];
  const none = (
    status: NitrogenRate['status'],
    summary: string,
    source: string,
  ): { refused: NitrogenRate } => ({
    refused: {
      status,
      nKgHa: 0,
      yp0KgHa: null,
      ypnKgHa: null,
      responseIndex: null,
      splits: [],
      products: [],
      summary,
      steps: [],
      source,
    },
  });
  if (LEGUMES.has(input.crop)) {
    return none(
      'legume',
      `No N topdress for ${input.crop}: a legume fixes its own nitrogen.`,
      'FAO Fertilizer and Plant Nutrition Bulletin 16',
    );
  }
  if (k === undefined) {
    return none(
      'unsupported-crop',
      `No sensor-based N rate for ${input.crop}: no SBNRC calibration; use the cooperative's fertiliser plan.`,
      'SBNRC covers cereals',
    );
  }
  if (input.growingDays < MIN_GROWING_DAYS) {
    return none(
      'too-early',
      `Too early for an N rate: ${input.growingDays} growing days, NDVI still sees soil; sense again after ${MIN_GROWING_DAYS}.`,
      k.source,
    );
  }
  return { k };
}

/** INSEY, YP0, RI and YPN, and the N rate between them, each a logged step. */
function sbnrc(
  input: NitrogenRateInput,
  k: SbnrcCoefficients,
): { yp0: number; ypn: number; ri: number; nKgHa: number; steps: ComputationStep[] } {
  const { steps, step } = createStepLog({
    digitsFor: (unit) => (unit === '' ? 5 : 1),
    carry: 'exact',
  });
  const insey = step({
    name: 'INSEY',
    formula: `NDVI ${input.zoneNdvi} / ${input.growingDays} growing days`,
    value: input.zoneNdvi / input.growingDays,
    unit: '',
    source: 'Raun et al. 2002',
  });
  const yp0 = step({
    name: 'YP0',
    formula: `${k.a} exp(${k.b} INSEY), at most YPmax ${k.ypMaxKgHa}`,
    value: Math.min(k.ypMaxKgHa, k.a * Math.exp(k.b * insey)),
    unit: 'kg/ha',
    source: k.source,
  });
  const riNdvi = step({
    name: 'RI_NDVI',
    formula: `reference NDVI ${input.referenceNdvi} (${input.reference}) / zone NDVI ${input.zoneNdvi}, at least 1`,
    value: Math.max(1, input.referenceNdvi / input.zoneNdvi),
    unit: '',
    source: 'Mullen et al. 2003',
  });
  const ri = step({
    name: 'RI',
    formula: `max(1, ${k.riSlope} RI_NDVI ${k.riIntercept < 0 ? '-' : '+'} ${Math.abs(k.riIntercept)})`,
    value: Math.max(1, k.riSlope * riNdvi + k.riIntercept),
    unit: '',
    source: k.source,
  });
  const ypn = step({
    name: 'YPN',
    formula: `min(YP0 x RI, YPmax ${k.ypMaxKgHa})`,
    value: Math.min(yp0 * ri, k.ypMaxKgHa),
    unit: 'kg/ha',
    source: 'Raun et al. 2005',
  });
  const nKgHa = Math.max(
    0,
    step({
      name: 'N rate',
      formula: `(YPN - YP0) x grain N ${k.grainN} / efficiency ${k.efficiency}`,
      value: ((ypn - yp0) * k.grainN) / k.efficiency,
      unit: 'kg N/ha',
      source: 'Raun et al. 2002',
    }),
  );
  return { yp0, ypn, ri, nKgHa, steps };
}

/** One dose now, or two halves 14-21 days apart above SPLIT_ABOVE_KG_N_HA. */
function doseSplits(n: number): NitrogenRate['splits'] {
  if (n === 0) return [];
  if (n <= SPLIT_ABOVE_KG_N_HA) return [{ share: 1, nKgHa: n, when: 'now' }];
  return [
    { share: 0.5, nKgHa: round(n / 2, 1), when: 'now' },
    { share: 0.5, nKgHa: round(n / 2, 1), when: 'in 14-21 days, before flowering' },
  ];
}

function doseSummary(dose: {
  n: number;
  reference: NitrogenRateInput['reference'];
  splits: NitrogenRate['splits'];
  products: readonly ProductAmount[];
}): string {
  const { n, reference, splits, products } = dose;
  if (n === 0) {
    return `No N needed: the zone is as green as the ${reference === 'n-rich-strip' ? 'N-rich strip' : 'best zone'}, or the crop is at its yield ceiling.`;
  }
  const first = products[0];
  return (
    `Apply ${n} kg N/ha` +
    (first === undefined
      ? ''
      : ` (${first.kgPerHa} kg/ha ${N_PRODUCTS[first.product].name}: ${first.kgPerPlot} kg on this plot, ${first.bagsPerPlot} bags of ${BAG_KG} kg)`) +
    (splits.length > 1 ? ', in two halves 14-21 days apart.' : ', in one dose now.')
  );
}
