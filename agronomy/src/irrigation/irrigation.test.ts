import { describe, expect, it } from 'vitest';
import { cropParameters } from '../crops/crop-parameters.js';
import { cropDay } from '../water-balance/crop-coefficient.js';
import { feasiblePlan } from './feasible-plan.js';
import { yieldLossPerDayLate } from './stress-loss.js';
import {
  HAND_WATERING_LITRES_PER_DAY,
  capacityM3PerDay,
  volumeInSupplyUnits,
  waterSupplyOf,
} from './water-supply.js';

describe('water supply', () => {
  it('derives a supply from the older registry fields', () => {
    expect(waterSupplyOf({ irrigationMethod: 'furrow', pumpFlowM3h: 12 })).toEqual({
      supply: { method: 'pump', flowM3h: 12 },
      source: 'pump flow',
    });
    expect(waterSupplyOf({ irrigationMethod: 'hand' })?.supply).toEqual({
      method: 'hand',
      litresPerDay: HAND_WATERING_LITRES_PER_DAY,
    });
    expect(waterSupplyOf({ irrigationMethod: 'furrow' })).toBeNull();
    const own = { method: 'hand', litresPerDay: 300 } as const;
    expect(waterSupplyOf({ irrigationMethod: 'hand', pumpFlowM3h: 5, waterSupply: own })).toEqual({
      supply: own,
      source: 'registry',
    });
  });

  it('gives each supply its daily capacity and units', () => {
    expect(capacityM3PerDay({ method: 'pump', flowM3h: 20 })).toBe(160); // 8 h default
    expect(capacityM3PerDay({ method: 'drip', flowM3h: 2, hoursPerDay: 5 })).toBe(10);
    expect(capacityM3PerDay({ method: 'canal', flowM3h: 60, hoursPerTurn: 3, everyDays: 6 })).toBe(
      30,
    );
    expect(capacityM3PerDay({ method: 'hand', litresPerDay: 100 })).toBe(0.1);
    expect(volumeInSupplyUnits({ method: 'pump', flowM3h: 20 }, 5)).toEqual({
      amount: 15,
      unit: 'pump-minutes',
    });
    expect(
      volumeInSupplyUnits({ method: 'canal', flowM3h: 60, hoursPerTurn: 3, everyDays: 6 }, 90),
    ).toEqual({ amount: 1.5, unit: 'canal-hours' });
    // 0.41 m3 = 410 L = 20.5 cans: 21 trips.
    expect(volumeInSupplyUnits({ method: 'hand', litresPerDay: 100 }, 0.41)).toEqual({
      amount: 21,
      unit: 'cans-20l',
    });
    expect(volumeInSupplyUnits({ method: 'hand', litresPerDay: 100 }, 0.4)).toEqual({
      amount: 20,
      unit: 'cans-20l',
    });
  });
});

describe('feasiblePlan', () => {
  const demands = [
    { zoneId: 'a', volumeM3: 0.15, grossDepthMm: 75, priority: 1 },
    { zoneId: 'b', volumeM3: 0.1, grossDepthMm: 100, priority: 2 },
  ];

  it('finishes the most urgent zone first, capacity-limited each day, and gives the deficit', () => {
    const plan = feasiblePlan({
      supply: { method: 'hand', litresPerDay: 120 },
      demands,
      todayIso: '2026-11-18',
      daysAvailable: 1,
      horizonDays: 7,
    });
    expect(plan).toMatchObject({
      capacityM3PerDay: 0.12,
      requiredM3: 0.25,
      availableM3: 0.12,
      daysNeeded: 3,
      feasible: false,
    });
    expect(plan.deficitLeftM3).toBeCloseTo(0.13, 9);
    expect(
      plan.plan.map((a) => [a.dateIso, a.zoneId, +a.volumeM3.toFixed(3), a.units?.amount]),
    ).toEqual([
      ['2026-11-18', 'b', 0.1, 5],
      ['2026-11-18', 'a', 0.02, 1],
      ['2026-11-19', 'a', 0.12, 6],
      ['2026-11-20', 'a', 0.01, 1],
    ]);
    // 0.1 m3 at 100 mm refills 1 m2.
    expect(plan.plan[0]!.areaM2).toBeCloseTo(1, 9);
  });

  it('says feasible when the supply delivers everything in time', () => {
    const plan = feasiblePlan({
      supply: { method: 'pump', flowM3h: 1, hoursPerDay: 1 },
      demands,
      todayIso: '2026-11-18',
      daysAvailable: 1,
      horizonDays: 7,
    });
    expect([plan.feasible, plan.deficitLeftM3, plan.daysNeeded]).toEqual([true, 0, 1]);
  });
});

describe('yieldLossPerDayLate (FAO-56 eq. 84, FAO-33)', () => {
  it('adds up over a season of constant stress to FAO-33: 1 - Ya/Ym = Ky (1 - ETa/ETc)', () => {
    // Maize, Ky 1.25 (FAO-33 Table 24): at ETa/ETc = 0.8 all season, 1 - Ya/Ym = 1.25 x 0.2 = 25 %.
    const maize = cropParameters('maize');
    // TAW 100 mm, p 0.5: Ks = (100 - Dr) / 50 = 0.8 at Dr = 60 mm.
    let total = 0;
    for (let d = 0; d < 180; d++) {
      const { kc } = cropDay(maize, d, 1);
      total += yieldLossPerDayLate({
        crop: maize,
        daysAfterSowing: d,
        maxRootDepthM: 1,
        drMm: 60,
        tawMm: 100,
        p: 0.5,
        kc,
      }).lossPct;
    }
    expect(total).toBeCloseTo(25, 9);
  });

  it('costs nothing while Dr is within RAW', () => {
    const maize = cropParameters('maize');
    const loss = yieldLossPerDayLate({
      crop: maize,
      daysAfterSowing: 90,
      maxRootDepthM: 1,
      drMm: 50,
      tawMm: 100,
      p: 0.5,
      kc: 1.2,
    });
    expect([loss.ks, loss.lossPct]).toEqual([1, 0]);
  });
});
