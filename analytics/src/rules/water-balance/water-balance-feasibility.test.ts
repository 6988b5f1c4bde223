import { describe, expect, it } from 'vitest';
import { type Field, type StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, fieldFixture, stationDay } from '@shamba/schemas/testing';
import { addDays, summariseStation } from '@shamba/agronomy';
import { EAT, midnight, square } from '../../testing/ziway-plots.js';
import { waterBalancePrescription } from './water-balance-prescription.js';

const today = '2026-11-18';
const morning = midnight(today) + 8 * 3_600_000;

function stored(r: Omit<StoredReading, 'coopId' | 'fieldId' | 'receivedMs'>): StoredReading {
  return { ...r, coopId: 'coop-a', fieldId: 'field-1', receivedMs: r.timeMs };
}

/** A week of the dry-season station day before today. */
const weather = summariseStation(
  Array.from({ length: 7 }, (_, i) => addDays(today, i - 7)).flatMap((d) =>
    stationDay('wx-1', d, { ...DRY_SEASON_DAY, rainMm: 0 }, { utcOffsetMinutes: EAT }).map((r) =>
      stored({ ...r, zoneId: null }),
    ),
  ),
  { utcOffsetMinutes: EAT },
);

function probe(deviceId: string, theta: number, zoneId: string): StoredReading {
  return stored({
    deviceId,
    stream: 'soil',
    timeMs: morning,
    seq: 0,
    values: { vwc10: theta, vwc30: theta + 0.01, vwc60: theta + 0.02 },
    zoneId,
  });
}

/** Mid-season maize on loam (FC 0.25, WP 0.12, Zr 0.6 m): two zones, both past RAW. */
function prescribe(overrides: Partial<Field>) {
  const field = fieldFixture({
    plantingDate: '2026-08-20',
    elevationM: 1640,
    areaHa: 0.2,
    zones: [
      { id: 'dry', boundary: square(0), areaHa: 0.1 },
      { id: 'drier', boundary: square(0.001), areaHa: 0.1 },
    ],
    ...overrides,
  });
  return waterBalancePrescription({
    field,
    utcOffsetMinutes: EAT,
    weather,
    soil: [probe('p-dry', 0.15, 'dry'), probe('p-drier', 0.13, 'drier')],
    status: [],
    asOfMs: morning,
    createdAtMs: morning,
  });
}

describe('FAO-56 water balance rule: what the supply can do', () => {
  it('tells a hand-watering household what it can carry today, most urgent zone first, in cans', () => {
    const p = prescribe({ irrigationMethod: 'hand' });
    const [dry, drier] = p.zones!;
    // theta_root dry = (0.15 x 0.2 + 0.16 x 0.25 + 0.17 x 0.15) / 0.6 = 0.1592: Dr = 54.5 mm;
    // drier 0.1392: Dr 66.5 mm. Both past RAW (p ~0.5 x 78 mm): today, with a loss a day late.
    expect([dry!.urgency, drier!.urgency]).toEqual(['today', 'today']);
    expect(drier!.expectedLossPctPerDayLate!).toBeGreaterThan(dry!.expectedLossPctPerDayLate!);
    expect(drier!.units).toEqual({
      amount: Math.ceil((drier!.volumeM3 * 1000) / 20),
      unit: 'cans-20l',
    });
    const f = p.feasibility!;
    // Gross by hand (Ea 0.7) over 0.2 ha is about 170 m3; a household carries 100 L (5 cans) a day
    // (WHO basic access, 20 L a person, household of 5).
    expect(f.supply).toEqual({ method: 'hand', litresPerDay: 100 });
    expect(f.supplySource).toMatch(/WHO/);
    expect(f).toMatchObject({
      feasible: false,
      daysAvailable: 1,
      capacityM3PerDay: 0.1,
      capacityPerDay: { amount: 5, unit: 'cans-20l' },
      requiredM3: Math.round((dry!.volumeM3 + drier!.volumeM3) * 10) / 10,
      deficitLeftM3: Math.round((dry!.volumeM3 + drier!.volumeM3 - 0.1) * 10) / 10,
    });
    expect(f.daysNeeded).toBe(Math.ceil((dry!.volumeM3 + drier!.volumeM3) / 0.1));
    // Today's water goes to the drier zone, refilling 100 L / gross depth of it to field capacity.
    expect(f.plan[0]).toEqual({
      dateIso: today,
      zoneId: 'drier',
      volumeM3: 0.1,
      areaM2: Math.round((0.1 / drier!.grossDepthMm) * 1000 * 10) / 10,
      units: { amount: 5, unit: 'cans-20l' },
    });
    expect(f.plan.filter((a) => a.dateIso === today)).toHaveLength(1);
    expect(f.plan).toHaveLength(7); // a week laid out, all on the drier zone: it needs more
    expect(p.summary).toBe(
      `Irrigate Lower maize today as far as the supply allows, most urgent zone first: drier 5 cans of 20 L ` +
        `(refills ${f.plan[0]!.areaM2} m2 to field capacity). The full refill needs ${f.requiredM3} m3 ` +
        `(${f.required.amount} cans of 20 L) and would take ${f.daysNeeded} days; ${f.deficitLeftM3} m3 ` +
        `(${f.deficitLeft.amount} cans of 20 L) are left short today. This supply delivers under 0.1 % ` +
        `of the need in time: water only a small part (a nursery, the most valuable rows) and treat ` +
        `the rest as rain-fed. Each day late costs about ` +
        `${Math.round(drier!.expectedLossPctPerDayLate! * 100) / 100} % of the attainable yield (FAO-33 Ky).`,
    );
    expect(f.summary).toMatch(
      /^Not feasible today: the full refill needs .* at 100 L carried a day it would take \d+ days\. Best plan, most urgent zone first: 2026-11-18: drier 5 cans of 20 L/,
    );
    expect(p.pumpMinutes).toBeNull();
  });

  it('takes the household capacity the registry gives', () => {
    const p = prescribe({
      irrigationMethod: 'hand',
      waterSupply: { method: 'hand', litresPerDay: 400 },
    });
    expect(p.feasibility).toMatchObject({
      supplySource: 'registry',
      capacityPerDay: { amount: 20, unit: 'cans-20l' },
      feasible: false,
    });
  });

  it('gives pump minutes whenever a pump flow is registered, and says when a pump is enough', () => {
    const p = prescribe({ pumpFlowM3h: 30 });
    const volume = p.zones!.reduce((s, z) => s + z.volumeM3, 0);
    // The zones' volumes are shown to 0.1 m3; the minutes come from the exact ones.
    expect(p.units!.unit).toBe('pump-minutes');
    expect(p.units!.amount).toBeCloseTo((volume / 30) * 60, 0);
    expect(p.pumpMinutes).toBe(Math.round(p.units!.amount));
    for (const z of p.zones!) expect(z.pumpMinutes).toBe(Math.round((z.volumeM3 / 30) * 60));
    // 30 m3/h for 8 hours = 240 m3 a day: more than the ~170 m3 needed.
    expect(p.feasibility).toMatchObject({ feasible: true, deficitLeftM3: 0, daysNeeded: 1 });
    expect(p.feasibility!.supply).toEqual({ method: 'pump', flowM3h: 30 });
  });

  it('plans a canal by turns and says what is left', () => {
    const p = prescribe({
      waterSupply: { method: 'canal', flowM3h: 36, hoursPerTurn: 2, everyDays: 3 },
    });
    const f = p.feasibility!;
    // A turn gives 72 m3: the first today, the next in 3 days, then 6.
    expect(f.feasible).toBe(false);
    expect([...new Set(f.plan.map((a) => a.dateIso))]).toEqual([
      today,
      addDays(today, 3),
      addDays(today, 6),
    ]);
    expect(f.plan[0]!.units).toEqual({ amount: 2, unit: 'canal-hours' });
    expect(f.deficitLeftM3).toBeCloseTo(f.requiredM3 - 72, 1);
  });

  it("shows the station's daily inputs behind ET0 and each probe's readings behind Dr", () => {
    const p = prescribe({});
    const et0Days = p.steps.filter((s) => s.name.startsWith('ET0 '));
    expect(et0Days.map((s) => s.name)).toEqual([
      `ET0 ${addDays(today, -3)}`,
      `ET0 ${addDays(today, -2)}`,
      `ET0 ${addDays(today, -1)}`,
    ]);
    const inputs = et0Days[0]!.inputs!;
    expect(inputs).toMatchObject({ date: addDays(today, -3), hoursCovered: 24 });
    for (const [k, v] of Object.entries(DRY_SEASON_DAY)) {
      expect(inputs[k], k).toBeCloseTo(Number(v), 0);
    }
    expect(et0Days[0]!.formula).toMatch(/^Penman-Monteith from Tmax 28 C, Tmin 12 C, RHmax 80 %/);
    const mean = p.steps.find((s) => s.name === 'ET0')!;
    expect(mean.value).toBeCloseTo(et0Days.reduce((s, d) => s + d.value!, 0) / 3, 2);

    const drier = p.zones!.find((z) => z.zoneId === 'drier')!;
    const probeStep = drier.steps.find((s) => s.name === 'probe p-drier')!;
    expect(probeStep.inputs).toEqual({
      timeIso: new Date(morning).toISOString(),
      vwc10: 0.13,
      vwc10DepthM: 0.1,
      vwc30: 0.14,
      vwc30DepthM: 0.3,
      vwc60: 0.15,
      vwc60DepthM: 0.6,
    });
    // theta_root = (0.13 x 0.2 + 0.14 x 0.25 + 0.15 x 0.15) / 0.6 = 0.13917
    expect(drier.steps.find((s) => s.name === 'theta_root')!.value).toBe(0.1392);
    expect(drier.steps.some((s) => s.name === 'probe p-dry')).toBe(false);
  });
});
