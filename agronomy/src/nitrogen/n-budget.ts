import type { ComputationStep } from '@shamba/schemas';
import { createStepLog } from '../explain/step-log.js';
import { CROP_N_BUDGETS, LEGUMES, type CropNBudget } from './crop-n-budget.js';

export interface NBudgetInput {
  crop: string;
  /** The yield the season's N is for, t/ha (the crop's attainable yield, a parameter set's). */
  targetYieldTHa: number;
  /**
   * Fertiliser N the cooperative declared on the field (Field.nitrogenKgHa): read as applied
   * before applications were recorded, kg N/ha.
   */
  declaredKgHa: number;
  /** Applications recorded this season up to the prescription's date, kg N/ha. */
  recordedKgHa: number;
  /** An agronomist's calibration, replacing the table row. */
  coefficients?: CropNBudget;
  /**
   * Days since sowing, and the last day of the season N still pays (see `lastUsefulNDay`):
   * after it the budget gives 0 whatever is left.
   */
  season?: { daysSinceSowing: number; lastUsefulDay: number };
}

/**
 * Days after the start of the mid-season stage (FAO-56 Table 11; flowering in a cereal) during
 * which N is still worth applying: a cereal has taken up most of its N by flowering, and N
 * applied after it raises grain protein more than yield (FAO Fertilizer and Plant Nutrition
 * Bulletin 16). A cooperative rule, tunable.
 */
export const N_AFTER_MID_SEASON_DAYS = 14;

/** The last day of the season N pays: the mid-season's start plus N_AFTER_MID_SEASON_DAYS. */
export function lastUsefulNDay(stages: { iniDays: number; devDays: number }): number {
  return stages.iniDays + stages.devDays + N_AFTER_MID_SEASON_DAYS;
}

export interface NBudget {
  status: 'ok' | 'legume' | 'unsupported-crop';
  /** Fertiliser N the season needs in all, kg N/ha (null: no budget for the crop). */
  seasonKgHa: number | null;
  /** Declared and recorded N, kg N/ha. */
  appliedKgHa: number;
  /** What is left to apply, never below 0, kg N/ha (null: no budget for the crop). */
  remainingKgHa: number | null;
  summary: string;
  steps: ComputationStep[];
  source: string;
}

/**
 * The crop's N budget for the season and what is left of it (Stanford 1973; FAO Fertilizer and
 * Plant Nutrition Bulletin 16): (target yield x N uptake per t - soil supply) / recovery, less
 * the N already applied. A legume needs none; a crop without a row has no budget.
 */
export function nBudget(input: NBudgetInput): NBudget {
  const appliedKgHa = round1(input.declaredKgHa + input.recordedKgHa);
  const k = input.coefficients ?? CROP_N_BUDGETS[input.crop];
  const none = (status: NBudget['status'], summary: string, source: string): NBudget => ({
    status,
    seasonKgHa: null,
    appliedKgHa,
    remainingKgHa: status === 'legume' ? 0 : null,
    summary,
    steps: [],
    source,
  });
  if (LEGUMES.has(input.crop))
    return none(
      'legume',
      `No N for ${input.crop}: a legume fixes its own nitrogen.`,
      'FAO Fertilizer and Plant Nutrition Bulletin 16',
    );
  if (k === undefined)
    return none(
      'unsupported-crop',
      `No N budget for ${input.crop}: no N uptake per tonne on record; use the cooperative's fertiliser plan.`,
      'crop-n-budget.ts covers cereals',
    );
  const { steps, step } = createStepLog({ digitsFor: () => 1, carry: 'exact' });
  const uptake = step({
    name: 'crop N uptake',
    formula: `target yield ${input.targetYieldTHa} t/ha x ${k.uptakeKgNPerT} kg N per t`,
    value: input.targetYieldTHa * k.uptakeKgNPerT,
    unit: 'kg N/ha',
    source: k.source,
  });
  const season = step({
    name: 'season fertiliser N',
    formula: `max(0, uptake ${round1(uptake)} - soil supply ${k.soilSupplyKgHa}) / recovery ${k.recoveryEfficiency}`,
    value: Math.max(0, uptake - k.soilSupplyKgHa) / k.recoveryEfficiency,
    unit: 'kg N/ha',
    source: 'Stanford 1973; FAO Fertilizer and Plant Nutrition Bulletin 16',
  });
  step({
    name: 'N applied',
    formula: `declared on the field ${input.declaredKgHa} + recorded this season ${input.recordedKgHa}`,
    value: appliedKgHa,
    unit: 'kg N/ha',
    source: 'the field record and its fertiliser applications',
  });
  const late =
    input.season !== undefined && input.season.daysSinceSowing > input.season.lastUsefulDay;
  const remaining = step({
    name: 'N budget rate',
    formula: late
      ? `0: day ${input.season!.daysSinceSowing} of the season, past day ${input.season!.lastUsefulDay} (flowering + ${N_AFTER_MID_SEASON_DAYS} days), when N no longer pays`
      : `max(0, season ${round1(season)} - applied ${appliedKgHa})`,
    value: late ? 0 : Math.max(0, season - appliedKgHa),
    unit: 'kg N/ha',
    source: late ? 'FAO Fertilizer and Plant Nutrition Bulletin 16' : 'Stanford 1973',
  });
  const seasonKgHa = round1(season);
  const remainingKgHa = round1(remaining);
  return {
    status: 'ok',
    seasonKgHa,
    appliedKgHa,
    remainingKgHa,
    summary: late
      ? `No N: past flowering (day ${input.season!.daysSinceSowing} of the season), N applied now no longer pays.`
      : remainingKgHa === 0
        ? `The season's N budget of ${seasonKgHa} kg N/ha is met: ${appliedKgHa} kg N/ha applied.`
        : `${remainingKgHa} kg N/ha left of the season's N budget of ${seasonKgHa} (${appliedKgHa} applied).`,
    steps,
    source: k.source,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
