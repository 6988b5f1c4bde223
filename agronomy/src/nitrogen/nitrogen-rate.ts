import { round, type ComputationStep } from '@shamba/schemas';
import { createStepLog, type RecordStep } from '../explain/step-log.js';
import { LEGUMES } from './crop-n-budget.js';
import type { NProduct, ProductAmount } from './fertiliser-products.js';
import { applySummary, nDose, type NDose } from './n-dose.js';
import { SBNRC_COEFFICIENTS, type SbnrcCoefficients } from './sbnrc-coefficients.js';

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
  /**
   * N applied from the sensing date on, kg N/ha: the scene could not see it, so it comes off the
   * rate (N applied before the scene is in the canopy the sensor read, and is not taken twice).
   */
  appliedSinceSensingKgHa?: number;
  /** What is left of the season's N budget (n-budget.ts), kg N/ha: the rate never passes it. */
  budgetRemainingKgHa?: number | null;
}

export interface NitrogenRate {
  /**
   * `ok` a rate; `no-response` the zone is as green as the reference (RI_NDVI <= 1): 0; no rate
   * by the sensor for a legume, a crop without a row, outside the sensing window, or (`out-of-range`)
   * where INSEY puts YP0 at its cap, beyond the data the yield equation was fitted on.
   */
  status:
    | 'ok'
    | 'no-response'
    | 'legume'
    | 'unsupported-crop'
    | 'too-early'
    | 'too-late'
    | 'out-of-range';
  nKgHa: number;
  yp0KgHa: number | null;
  ypnKgHa: number | null;
  responseIndex: number | null;
  splits: NDose['splits'];
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
  const { steps, step } = createStepLog({
    digitsFor: (unit) => (unit === '' ? 5 : 1),
    carry: 'exact',
  });
  const { yp0, ypn, ri, riNdvi, nKgHa } = sbnrc(input, k, step);
  // A zone that responds (RI_NDVI > 1) but whose INSEY sends YP0 to the cap: YPN = YP0 and the
  // rate would be 0 however pale the zone. The equation was fitted on INSEY up to about 0.01
  // (Raun et al. 2002; OSU's published YP0 curves): beyond, it says nothing, and the budget decides.
  if (riNdvi > 1 && yp0 >= k.ypMaxKgHa) return outOfRange(input, { k, riNdvi });
  const n = round(afterAppliedAndBudget(input, nKgHa, step), 1);
  const dose = nDose({ nKgHa: n, areaHa: input.areaHa, products: input.products });
  const noResponse = riNdvi <= 1;
  return {
    status: noResponse ? 'no-response' : 'ok',
    nKgHa: n,
    yp0KgHa: Math.round(yp0),
    ypnKgHa: Math.round(ypn),
    responseIndex: round(ri, 3),
    ...dose,
    summary: noResponse
      ? `No N: the zone is as green as the ${referenceName(input.reference)} (response index ${round(riNdvi, 3)} <= 1).`
      : n === 0
        ? `No N needed: the crop is at its yield ceiling, or the N applied since the scene or the season's N budget covers it.`
        : applySummary(n, dose),
    steps,
    source: k.source,
  };
}

function outOfRange(
  input: NitrogenRateInput,
  fit: { k: SbnrcCoefficients; riNdvi: number },
): NitrogenRate {
  const insey = input.zoneNdvi / input.growingDays;
  return noRate(
    'out-of-range',
    `No sensor-based N rate: INSEY ${round(insey, 4)} puts YP0 at its cap ` +
      `(${fit.k.ypMaxKgHa} kg/ha), beyond the data the yield equation was fitted on, so a zone ` +
      `${round(fit.riNdvi, 2)} times less green than its reference would get none.`,
    fit.k.source,
  );
}

/** No rate by the sensor, and why (the N budget, or nothing for a legume, decides instead). */
function noRate(status: NitrogenRate['status'], summary: string, source: string): NitrogenRate {
  return {
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
  };
}

const referenceName = (reference: NitrogenRateInput['reference']) =>
  reference === 'n-rich-strip' ? 'N-rich strip' : 'greenest zone';

/** The crop's SBNRC row, or no rate: a legume, a crop without a row, a crop too young to sense. */
function calibrationFor(
  input: NitrogenRateInput,
): { k: SbnrcCoefficients } | { refused: NitrogenRate } {
  const k = input.coefficients ?? SBNRC_COEFFICIENTS[input.crop];
  const none = (status: NitrogenRate['status'], summary: string, source: string) => ({
    refused: noRate(status, summary, source),
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
  const w = k.sensingWindow;
  const window = `the sensing window of ${input.crop} is ${w.fromGrowingDays}-${w.toGrowingDays} growing days (${w.stages})`;
  if (input.growingDays < w.fromGrowingDays)
    return none(
      'too-early',
      `Too early for a sensor-based N rate: ${input.growingDays} growing days, NDVI still sees soil; ${window}.`,
      k.source,
    );
  if (input.growingDays > w.toGrowingDays)
    return none(
      'too-late',
      `Too late for a sensor-based N rate: ${input.growingDays} growing days, past the stage the equation was fitted at; ${window}.`,
      k.source,
    );
  return { k };
}

/** INSEY, YP0, RI and YPN, and the N rate between them, each a logged step. */
function sbnrc(
  input: NitrogenRateInput,
  k: SbnrcCoefficients,
  step: RecordStep,
): { yp0: number; ypn: number; ri: number; riNdvi: number; nKgHa: number } {
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
    formula: `reference NDVI ${input.referenceNdvi} (${input.reference}) / zone NDVI ${input.zoneNdvi}`,
    value: input.referenceNdvi / input.zoneNdvi,
    unit: '',
    source: 'Mullen et al. 2003',
  });
  // A zone at or above its reference shows no response to N (Mullen et al. 2003): RI is 1 and
  // the rate 0. The harvest-RI regression is fitted on responsive plots; at RI_NDVI = 1 its
  // intercept would still give RI 1.11 for maize, and some 17 kg N/ha to the reference itself.
  const ri = step({
    name: 'RI',
    formula:
      riNdvi <= 1
        ? 'RI_NDVI <= 1: no response to N expected, RI = 1'
        : `max(1, ${k.riSlope} RI_NDVI ${k.riIntercept < 0 ? '-' : '+'} ${Math.abs(k.riIntercept)})`,
    value: riNdvi <= 1 ? 1 : Math.max(1, k.riSlope * riNdvi + k.riIntercept),
    unit: '',
    source: riNdvi <= 1 ? 'Mullen et al. 2003' : k.source,
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
  return { yp0, ypn, ri, riNdvi, nKgHa };
}

/**
 * The sensor's rate less the N applied since the scene (it could not see it), and never past
 * what is left of the season's N budget: each a step when it applies.
 */
function afterAppliedAndBudget(input: NitrogenRateInput, sensorKgHa: number, step: RecordStep) {
  let n = sensorKgHa;
  const since = input.appliedSinceSensingKgHa ?? 0;
  if (since > 0)
    n = step({
      name: 'N rate less N applied since the scene',
      formula: `max(0, ${round(n, 1)} - ${since} applied on or after the sensing date)`,
      value: Math.max(0, n - since),
      unit: 'kg N/ha',
      source: 'N the scene could not see (recorded fertiliser applications)',
    });
  const left = input.budgetRemainingKgHa ?? null;
  if (left !== null && n > left)
    n = step({
      name: 'N rate within the season budget',
      formula: `min(${round(n, 1)}, ${left} left of the season's N budget)`,
      value: left,
      unit: 'kg N/ha',
      source: 'Stanford 1973: the season total never passes the crop N budget',
    });
  return n;
}
