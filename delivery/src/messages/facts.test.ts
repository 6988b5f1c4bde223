import { describe, expect, it } from 'vitest';
import type { Field, IrrigationFeasibility } from '@shamba/schemas';
import { messageFacts } from './facts.js';
import {
  MAIZE_FIELD,
  irrigatedZone,
  irrigation,
  nitrogen,
  ratedZone,
  restingZone,
} from '../testing/prescription-fixtures.js';
import { roundBags, roundLitres, roundMm, roundSupplyAmount } from './rounding.js';

const TEFF_FIELD: Field = {
  ...MAIZE_FIELD,
  id: 'field-chaltu-teff',
  name: 'Chaltu upper teff',
  irrigationMethod: 'hand',
  zones: [],
};

describe('messageFacts, irrigation', () => {
  it('never shows a date before the day the message is written, nor a zone the field does not name', () => {
    const twoDaysLater = Date.UTC(2026, 11, 5, 6, 0, 0);
    const late = messageFacts(irrigation(), MAIZE_FIELD, {
      timeZone: 'Africa/Addis_Ababa',
      nowMs: twoDaysLater,
    });
    // The upper zone was to be watered by 3 December; written on the 5th, the date is the 5th.
    expect(late).toMatchObject({
      decision: 'irrigate',
      byDateIso: '2026-12-05',
      zoneName: 'upper',
    });
    const unnamed = messageFacts(irrigation(), { ...MAIZE_FIELD, zones: [] });
    expect(unnamed).toMatchObject({ decision: 'irrigate', zoneName: null });
  });

  it('speaks of the most urgent zone, by name, when only part of the field needs water', () => {
    expect(messageFacts(irrigation(), MAIZE_FIELD)).toEqual({
      kind: 'irrigation',
      fieldName: 'Tolosa maize',
      zoneName: 'upper',
      decision: 'irrigate',
      depthMm: 32,
      litres: 97_200,
      supply: { unit: 'pump-minutes', amount: 585 },
      byDateIso: '2026-12-03',
    });
  });

  it('speaks of the whole field when every zone needs water', () => {
    const both = irrigation({
      zones: [irrigatedZone(), irrigatedZone({ zoneId: 'z-lower', grossDepthMm: 28 })],
      grossDepthMm: 30.6,
      volumeM3: 153.2,
      units: { amount: 919.2, unit: 'pump-minutes' },
    });
    expect(messageFacts(both, MAIZE_FIELD)).toMatchObject({
      zoneName: null,
      decision: 'irrigate',
      depthMm: 31,
      litres: 153_200,
      supply: { unit: 'pump-minutes', amount: 920 },
    });
  });

  it('when the supply cannot refill in time, says what the first day of the plan carries', () => {
    const feasibility: IrrigationFeasibility = {
      supply: { method: 'hand', litresPerDay: 100 },
      supplySource: 'hand-watering default',
      capacityM3PerDay: 0.1,
      capacityPerDay: { amount: 5, unit: 'cans-20l' },
      requiredM3: 97.2,
      required: { amount: 4860, unit: 'cans-20l' },
      daysAvailable: 1,
      daysNeeded: 972,
      feasible: false,
      plan: [
        {
          dateIso: '2026-12-03',
          zoneId: 'field-chaltu-teff',
          volumeM3: 0.1,
          areaM2: 3.1,
          units: { amount: 5, unit: 'cans-20l' },
        },
        {
          dateIso: '2026-12-04',
          zoneId: 'field-chaltu-teff',
          volumeM3: 0.1,
          areaM2: 3.1,
          units: { amount: 5, unit: 'cans-20l' },
        },
      ],
      deficitLeftM3: 97.1,
      deficitLeft: { amount: 4855, unit: 'cans-20l' },
      summary: '',
      steps: [],
    };
    const teff = irrigation({
      fieldId: TEFF_FIELD.id,
      method: 'hand',
      zones: [irrigatedZone({ zoneId: TEFF_FIELD.id, areaHa: 0.5 })],
      feasibility,
    });
    expect(messageFacts(teff, TEFF_FIELD)).toEqual({
      kind: 'irrigation',
      fieldName: 'Chaltu upper teff',
      zoneName: null,
      decision: 'irrigate-limited',
      depthMm: 32,
      litres: 100,
      supply: { unit: 'cans-20l', amount: 5 },
      byDateIso: '2026-12-03',
    });
  });

  it('nothing yet: the earliest date a zone will need water', () => {
    const later = irrigation({
      action: 'none',
      urgency: 'by-date',
      zones: [
        restingZone({ zoneId: 'z-upper', irrigateBy: '2026-12-07' }),
        restingZone({ irrigateBy: '2026-12-05' }),
      ],
    });
    expect(messageFacts(later, MAIZE_FIELD)).toEqual({
      kind: 'irrigation',
      fieldName: 'Tolosa maize',
      zoneName: null,
      decision: 'water-by',
      byDateIso: '2026-12-05',
    });
  });

  it('wait for rain, no water, no data', () => {
    const none = {
      action: 'none' as const,
      zones: [restingZone({ urgency: 'none', irrigateBy: null })],
    };
    expect(
      messageFacts(irrigation({ ...none, urgency: 'wait-for-rain' }), MAIZE_FIELD),
    ).toMatchObject({ decision: 'wait-for-rain' });
    expect(messageFacts(irrigation({ ...none, urgency: 'none' }), MAIZE_FIELD)).toMatchObject({
      decision: 'no-water',
    });
    expect(messageFacts(irrigation({ action: 'insufficient-data' }), MAIZE_FIELD)).toMatchObject({
      decision: 'no-data',
    });
  });

  it('the sensor-only rule (no zones) falls back to the local date of asOfMs in the coop zone', () => {
    // 2026-12-03 06:00 UTC is still 2 December in Los Angeles (UTC-8 in December).
    const sensorOnly = irrigation({ zones: undefined, urgency: 'today' });
    const facts = messageFacts(
      sensorOnly,
      { name: 'Plot', zones: [] },
      { timeZone: 'America/Los_Angeles' },
    );
    expect(facts).toMatchObject({ decision: 'irrigate', byDateIso: '2026-12-02', depthMm: 19 });
  });
});

describe('messageFacts, nitrogen', () => {
  it('sums the product over the zones that get it, in whole kg and half bags', () => {
    // upper: 46 kg N/ha = 100 kg urea/ha x 0.3 ha = 30 kg; lower: 50 kg/ha x 0.2 ha = 10 kg.
    expect(messageFacts(nitrogen(), MAIZE_FIELD)).toEqual({
      kind: 'nitrogen',
      fieldName: 'Tolosa maize',
      zoneName: null,
      decision: 'fertilise',
      nKgHa: 37,
      product: { name: 'urea 46-0-0', kg: 40, bags: 1 },
      split: false,
    });
  });

  it('says when the dose comes in two halves', () => {
    const heavy = nitrogen({ nKgHa: 80, zones: [ratedZone({ nKgHa: 80, areaHa: 0.5 })] });
    expect(messageFacts(heavy, MAIZE_FIELD)).toMatchObject({
      decision: 'fertilise',
      nKgHa: 80,
      product: { kg: 87, bags: 1.5 },
      split: true,
    });
  });

  it('no N: a legume, enough already, or no data', () => {
    const legume = nitrogen({
      action: 'none',
      nKgHa: 0,
      zones: [
        {
          zoneId: 'z-upper',
          areaHa: 0.5,
          status: 'legume',
          nKgHa: 0,
          reason: 'legume',
          splits: [],
          products: [],
          summary: '',
          steps: [],
        },
      ],
    });
    expect(messageFacts(legume, MAIZE_FIELD)).toMatchObject({
      decision: 'no-need',
      reason: 'legume',
    });
    const enough = nitrogen({ action: 'none', nKgHa: 0, zones: [ratedZone({ nKgHa: 0 })] });
    expect(messageFacts(enough, MAIZE_FIELD)).toMatchObject({
      decision: 'no-need',
      reason: 'enough',
    });
    expect(messageFacts(nitrogen({ action: 'insufficient-data' }), MAIZE_FIELD)).toMatchObject({
      decision: 'no-data',
    });
  });
});

describe('rounding as a farmer reads', () => {
  it('mm whole, litres to 10 or 100, bags to halves, minutes to 5, canal hours to halves, cans up', () => {
    expect([roundMm(0.3), roundMm(24.5), roundMm(0)]).toEqual([1, 25, 0]);
    expect([roundLitres(3), roundLitres(4_567), roundLitres(12_345)]).toEqual([10, 4_570, 12_300]);
    expect([roundBags(0.2), roundBags(0.8), roundBags(1.74), roundBags(1.76)]).toEqual([
      0, 1, 1.5, 2,
    ]);
    expect(roundSupplyAmount({ amount: 1.2, unit: 'pump-minutes' })).toBe(5);
    expect(roundSupplyAmount({ amount: 47.4, unit: 'system-minutes' })).toBe(45);
    expect(roundSupplyAmount({ amount: 3.3, unit: 'canal-hours' })).toBe(3.5);
    expect(roundSupplyAmount({ amount: 4.1, unit: 'cans-20l' })).toBe(5);
  });
});
