import { describe, expect, it } from 'vitest';
import type { IrrigationFeasibility } from '@shamba/schemas';
import { shortSupplySummary } from './field-feasibility.js';

/** A field needing 1000 m3 whose supply falls short in the time available. */
const shortOf = (delivered: IrrigationFeasibility['plan'], capacityM3PerDay: number) => {
  const deliveredM3 = delivered.reduce((s, a) => s + a.volumeM3, 0);
  return {
    supply: { method: 'canal', flowM3h: 50, hoursPerTurn: 4, everyDays: 7 },
    supplySource: 'registry',
    capacityM3PerDay,
    capacityPerDay: { amount: 0.6, unit: 'canal-hours' },
    requiredM3: 1000,
    required: { amount: 20, unit: 'canal-hours' },
    daysAvailable: 1,
    daysNeeded: 29,
    feasible: false,
    plan: delivered,
    deficitLeftM3: 1000 - deliveredM3,
    deficitLeft: { amount: (1000 - deliveredM3) / 50, unit: 'canal-hours' },
    summary: '',
    steps: [],
  } satisfies IrrigationFeasibility;
};

describe('short-supply summary', () => {
  it("judges a canal by the turn it delivers in time, not by the turn's daily average", () => {
    // A 200 m3 turn today: a fifth of the need, though only 28.6 m3 a day averaged over 7 days.
    const turn = [
      { dateIso: '2026-11-18', zoneId: 'z1', volumeM3: 200, areaM2: 2500, units: null },
    ];
    const summary = shortSupplySummary('Lower maize', shortOf(turn, 200 / 7));
    expect(summary).not.toMatch(/rain-fed/);
    expect(summary).toMatch(/^Irrigate Lower maize today as far as the supply allows/);
  });

  it('says to water a small part when the supply delivers under 5 % of the need in time', () => {
    const cans = [{ dateIso: '2026-11-18', zoneId: 'z1', volumeM3: 0.1, areaM2: 1.3, units: null }];
    expect(shortSupplySummary('Upper teff', shortOf(cans, 0.1))).toMatch(
      / This supply delivers under 0\.1 % of the need in time: water only a small part \(a nursery, the most valuable rows\) and treat the rest as rain-fed\.$/,
    );
  });
});
