import { describe, expect, it } from 'vitest';
import {
  decodeFarmerAdvice,
  encodeFarmerAdvice,
  prescriptionRef,
  type FarmerAdvice,
} from '@shamba/schemas';
import {
  irrigatedZone,
  irrigation,
  nitrogen,
  restingZone,
} from '../testing/prescription-fixtures.js';
import { adviceFromPrescription } from './advice.js';

const ADDIS = 'Africa/Addis_Ababa'; // UTC+3, no DST

describe('adviceFromPrescription', () => {
  it('irrigation: the field gross mm and pump minutes as the SMS rounds them, by the urgent zone date', () => {
    const p = irrigation({
      revision: { number: 7, previousId: 'p-0', reasons: [], changes: [] },
    });
    const advice = adviceFromPrescription({ prescription: p, fieldNumber: 2, timeZone: ADDIS });
    expect(advice).toEqual({
      kind: 'irrigation',
      decision: 'irrigate',
      fieldNumber: 2,
      amountMm: 19, // 19.4 mm gross, whole mm
      supply: { amount: 585, unit: 'pump-minutes' }, // 583.2 min, to 5 minutes
      dueDate: '2026-12-03', // z-upper's irrigateBy
      revision: 7,
      prescriptionRef: prescriptionRef('p-irrigation'),
    } satisfies FarmerAdvice);
    // It fits the codec as it is: what the terminal decodes is what was built.
    expect(decodeFarmerAdvice(encodeFarmerAdvice(advice))).toEqual(advice);
  });

  it("dates a field without zones by the cooperative's local day, not UTC's", () => {
    // 22:00 UTC on 3 Dec is 01:00 on 4 Dec in Addis Ababa.
    const p = irrigation({ zones: undefined, asOfMs: Date.parse('2026-12-03T22:00:00Z') });
    const at = (timeZone: string) =>
      adviceFromPrescription({ prescription: p, fieldNumber: 1, timeZone }).dueDate;
    expect([at(ADDIS), at('UTC')]).toEqual(['2026-12-04', '2026-12-03']);
  });

  it('irrigation with nothing to do now: water-by keeps its date, rain and no data have none', () => {
    const advise = (over: Parameters<typeof irrigation>[0]) =>
      adviceFromPrescription({ prescription: irrigation(over), fieldNumber: 1, timeZone: ADDIS });
    const idle = { action: 'none', grossDepthMm: 0, units: null } as const;
    const empty = { amountMm: 0, supply: null };
    expect(advise({ ...idle, urgency: 'by-date', zones: [restingZone()] })).toMatchObject({
      decision: 'none',
      dueDate: '2026-12-07',
      ...empty,
    });
    expect(
      advise({
        ...idle,
        urgency: 'wait-for-rain',
        zones: [restingZone({ urgency: 'wait-for-rain' })],
      }),
    ).toMatchObject({ decision: 'wait-for-rain', dueDate: null, ...empty });
    expect(advise({ action: 'insufficient-data', zones: [] })).toMatchObject({
      decision: 'insufficient-data',
      dueDate: null,
      ...empty,
    });
  });

  it('leaves out a supply amount the message cannot carry rather than cutting it', () => {
    const huge = { amount: 7000, unit: 'pump-minutes' } as const; // > 6553.5, the codec's cap
    const advice = adviceFromPrescription({
      prescription: irrigation({ units: huge, zones: [irrigatedZone({ units: huge })] }),
      fieldNumber: 1,
      timeZone: ADDIS,
    });
    expect(advice).toMatchObject({ amountMm: 19, supply: null });
    expect(() => encodeFarmerAdvice(advice)).not.toThrow();
  });

  it('nitrogen: kg N/ha, the product and its 50 kg bags, due today', () => {
    const advice = adviceFromPrescription({
      prescription: nitrogen(),
      fieldNumber: 3,
      timeZone: ADDIS,
    });
    expect(advice).toEqual({
      kind: 'nitrogen',
      decision: 'fertilise',
      fieldNumber: 3,
      nKgHa: 37, // 36.8, whole kg as the SMS says it
      product: 'urea',
      supply: { amount: 1, unit: 'bags-50kg' }, // 30 + 10 kg of urea: 0.8 bag, to the half bag
      dueDate: '2026-12-03',
      revision: 0,
      prescriptionRef: prescriptionRef('p-nitrogen'),
    } satisfies FarmerAdvice);
    expect(decodeFarmerAdvice(encodeFarmerAdvice(advice))).toEqual(advice);
    expect(
      adviceFromPrescription({
        prescription: nitrogen({ action: 'none', nKgHa: 0, zones: [] }),
        fieldNumber: 3,
        timeZone: ADDIS,
      }),
    ).toMatchObject({ decision: 'none', nKgHa: 0, product: null, supply: null, dueDate: null });
  });
});
