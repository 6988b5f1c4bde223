import { describe, expect, it } from 'vitest';
import { nBudget } from './n-budget.js';

describe('nBudget (Stanford 1973 yield-goal balance)', () => {
  it('gives maize its season N less what was applied, step by step', () => {
    // By hand: uptake 7 t/ha x 18 kg N/t = 126; (126 - 40 soil) / 0.6 = 143.3 for the season;
    // 120 declared on the field + 23 recorded = 143 applied; 0.3 left.
    const b = nBudget({ crop: 'maize', targetYieldTHa: 7, declaredKgHa: 120, recordedKgHa: 23 });
    expect([b.status, b.seasonKgHa, b.appliedKgHa, b.remainingKgHa]).toEqual([
      'ok',
      143.3,
      143,
      0.3,
    ]);
    expect(b.steps.map((s) => [s.name, s.value])).toEqual([
      ['crop N uptake', 126],
      ['season fertiliser N', 143.3],
      ['N applied', 143],
      ['N budget rate', 0.3],
    ]);
    expect(b.summary).toBe("0.3 kg N/ha left of the season's N budget of 143.3 (143 applied).");
  });

  it('gives teff about the Ethiopian recommendation, and 0 once it is met', () => {
    // (2.5 t x 30 kg N/t - 40) / 0.6 = 58.3 kg N/ha: EIAR recommends 46-64 for teff.
    const fresh = nBudget({ crop: 'teff', targetYieldTHa: 2.5, declaredKgHa: 0, recordedKgHa: 0 });
    expect(fresh.remainingKgHa).toBe(58.3);
    const met = nBudget({ crop: 'teff', targetYieldTHa: 2.5, declaredKgHa: 60, recordedKgHa: 0 });
    expect([met.remainingKgHa, met.summary]).toEqual([
      0,
      "The season's N budget of 58.3 kg N/ha is met: 60 kg N/ha applied.",
    ]);
  });

  it('needs none for a legume and has no budget for a crop without a row', () => {
    const beans = nBudget({ crop: 'beans', targetYieldTHa: 2, declaredKgHa: 0, recordedKgHa: 0 });
    expect([beans.status, beans.remainingKgHa, beans.summary]).toEqual([
      'legume',
      0,
      'No N for beans: a legume fixes its own nitrogen.',
    ]);
    const coffee = nBudget({ crop: 'coffee', targetYieldTHa: 2, declaredKgHa: 0, recordedKgHa: 0 });
    expect([coffee.status, coffee.remainingKgHa]).toEqual(['unsupported-crop', null]);
  });

  it('gives 0 past flowering, whatever is left', () => {
    // FAO-56 Table 11, maize in the East African highlands: 30 + 50 days to mid-season; N pays
    // until 14 days after, day 94.
    const season = (daysSinceSowing: number) => ({ daysSinceSowing, lastUsefulDay: 94 });
    const input = { crop: 'maize', targetYieldTHa: 7, declaredKgHa: 0, recordedKgHa: 0 };
    expect(nBudget({ ...input, season: season(94) }).remainingKgHa).toBe(143.3);
    const late = nBudget({ ...input, season: season(95) });
    expect([late.remainingKgHa, late.summary, late.steps.at(-1)!.formula]).toEqual([
      0,
      'No N: past flowering (day 95 of the season), N applied now no longer pays.',
      '0: day 95 of the season, past day 94 (flowering + 14 days), when N no longer pays',
    ]);
  });
});
