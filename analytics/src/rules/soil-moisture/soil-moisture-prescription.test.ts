import type { StoredReading } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { describe, expect, it } from 'vitest';
import { soilMoisturePrescription } from './soil-moisture-prescription.js';

// 1 ha of maize (p 0.55) on loam (FC 0.25, WP 0.12), Zr 0.6 m, furrow (Ea 0.6).
const field = fieldFixture();
const T = Date.UTC(2026, 8, 1, 6);
const soil = (
  deviceId: string,
  timeMs: number,
  vwc10: number,
  vwc30: number,
  vwc60: number,
): StoredReading => ({
  deviceId,
  stream: 'soil',
  timeMs,
  seq: 0,
  values: { vwc10, vwc30, vwc60 },
  coopId: 'coop-a',
  fieldId: 'field-1',
  zoneId: null,
  receivedMs: timeMs,
});

describe('soil-moisture refill rule', () => {
  it('asks for water once depletion passes RAW, with every step traceable', () => {
    const readings = [
      soil('probe-a', T - 3_600_000, 0.24, 0.24, 0.24), // older and wetter: superseded
      soil('probe-a', T, 0.15, 0.17, 0.2),
      soil('probe-b', T - 900_000, 0.17, 0.17, 0.22),
    ];
    const p = soilMoisturePrescription({
      field,
      readings,
      fromMs: T - 6 * 3_600_000,
      toMs: T + 1,
      createdAtMs: T + 5,
    });
    // theta_root = (0.16*0.20 + 0.17*0.25 + 0.21*0.15) / 0.6 = 0.106 / 0.6 = 0.176667
    // TAW = 1000*(0.25-0.12)*0.6 = 78; RAW = 0.55*78 = 42.9; Dr = 1000*(0.25-0.176667)*0.6 = 44.0
    // (from the exact theta: rounding it to 0.1767 first gave 43.98); gross 44 / 0.6 = 73.33 mm.
    expect(p.steps.map((s) => [s.name, s.value, s.source])).toEqual([
      ['probe probe-a', null, 'soil probe, newest reading'],
      ['probe probe-b', null, 'soil probe, newest reading'],
      ['theta_vwc10', 0.16, 'sensor readings'],
      ['theta_vwc30', 0.17, 'sensor readings'],
      ['theta_vwc60', 0.21, 'sensor readings'],
      ['theta_root', 0.1767, 'sensor readings'],
      ['TAW', 78, 'FAO-56 eq. 82'],
      ['RAW', 42.9, 'FAO-56 eq. 83'],
      ['Dr', 44, 'FAO-56 eq. 87'],
      ['net depth', 44, 'FAO-56 §8 irrigation scheduling'],
      ['gross depth', 73.33, 'FAO Irrigation Water Management Training Manual 4, §3.2'],
      ['volume', 733.33, 'unit conversion'],
      // Day 62 after sowing: Kc 0.3 + (32 / 50) x 0.9 = 0.876 (FAO-56 eq. 66); Ks = (78 - 44) /
      // (0.45 x 78) = 0.9687 (eq. 84); a day late costs 100 x 1.25 x 0.0313 x 0.876 / 149.475.
      ['Ks', 0.969, 'FAO-56 eq. 84'],
      [
        'yield loss per day late',
        0.023,
        expect.stringMatching(
          /^FAO-56 eq. 84 \(Ks = ETa\/ETc\); FAO-33 .*Ky: FAO-33 Table 24, maize$/,
        ),
      ],
    ]);
    expect(p).toMatchObject({ urgency: 'today' });
    expect(p.expectedLossPctPerDayLate).toBeCloseTo(
      (100 * 1.25 * (1 - 34 / (0.45 * 78)) * 0.876) / 149.475,
      3,
    );
    // Each probe's newest readings, with the depth of each sensor, behind the depletion.
    expect(p.steps[0]!.inputs).toEqual({
      timeIso: new Date(T).toISOString(),
      vwc10: 0.15,
      vwc10DepthM: 0.1,
      vwc30: 0.17,
      vwc30DepthM: 0.3,
      vwc60: 0.2,
      vwc60DepthM: 0.6,
    });
    expect(p.steps[0]!.formula).toBe(
      `vwc10 0.15 at 0.1 m, vwc30 0.17 at 0.3 m, vwc60 0.2 at 0.6 m (read ${new Date(T).toISOString()})`,
    );
    expect(p).toMatchObject({
      id: `field-1:${T}:soil-moisture-refill@1.0.0`,
      action: 'irrigate',
      asOfMs: T,
      netDepthMm: 44,
      grossDepthMm: 73.3,
      volumeM3: 733.3,
      inputs: { readingCount: 2, deviceIds: ['probe-a', 'probe-b'] },
    });
    expect(p.summary).toBe(
      'Irrigate Lower maize: apply 73.3 mm by furrow (733.3 m3 for 1 ha). The root zone is 44 mm below field capacity; the crop is stressed beyond 42.9 mm.',
    );
  });

  it('holds off while depletion is under RAW', () => {
    const p = soilMoisturePrescription({
      field,
      readings: [soil('probe-a', T, 0.22, 0.23, 0.24)],
      fromMs: T - 1,
      toMs: T + 1,
      createdAtMs: T,
    });
    // theta_root = (0.22*0.2 + 0.23*0.25 + 0.24*0.15)/0.6 = 0.229167; Dr = 1000*0.020833*0.6 = 12.5
    expect([p.action, p.netDepthMm, p.grossDepthMm, p.volumeM3]).toEqual(['none', 0, 0, 0]);
    expect(p.steps.find((s) => s.name === 'Dr')?.value).toBe(12.5);
  });

  it('gives pump minutes when a pump flow is registered, and cans for hand watering', () => {
    const readings = [soil('probe-a', T, 0.15, 0.17, 0.2)];
    const run = (f: typeof field) =>
      soilMoisturePrescription({ field: f, readings, fromMs: T - 1, toMs: T + 1, createdAtMs: T });
    // theta_root = (0.15*0.2 + 0.17*0.25 + 0.2*0.15)/0.6 = 0.1708; Dr = 1000*0.0792*0.6 = 47.5 mm;
    // gross 47.5 / 0.6 = 79.17 mm; 791.7 m3 on 1 ha; at 30 m3/h: 1583 min.
    const pumped = run({ ...field, pumpFlowM3h: 30 });
    expect([pumped.pumpMinutes, pumped.units]).toEqual([
      1583,
      { amount: 1583.3, unit: 'pump-minutes' },
    ]);
    // By hand (Ea 0.7): 47.5 / 0.7 = 67.86 mm, 678.6 m3 = 33,929 cans of 20 L.
    const carried = run({ ...field, irrigationMethod: 'hand' });
    expect([carried.pumpMinutes, carried.units]).toEqual([
      null,
      { amount: 33_929, unit: 'cans-20l' },
    ]);
    // Far beyond what a household carries (100 L, 5 cans a day by default): the prescription says
    // so, and gives today's feasible share and what is left.
    expect(carried.feasibility).toMatchObject({
      feasible: false,
      capacityPerDay: { amount: 5, unit: 'cans-20l' },
      required: { amount: 33_929, unit: 'cans-20l' },
      deficitLeft: { amount: 33_924, unit: 'cans-20l' },
      daysNeeded: 6786,
    });
    expect(carried.feasibility!.plan[0]).toMatchObject({
      zoneId: 'field-1',
      dateIso: '2026-09-01',
      units: { amount: 5, unit: 'cans-20l' },
    });
    expect(carried.summary).toBe(
      'Irrigate Lower maize today as far as the supply allows, most urgent zone first: field-1 5 cans of 20 L ' +
        '(refills 1.5 m2 to field capacity). The full refill needs 678.6 m3 (33929 cans of 20 L) and would ' +
        'take 6786 days; 678.5 m3 (33924 cans of 20 L) are left short today. This supply delivers under ' +
        '0.1 % of the need in time: water only a small part (a nursery, the most valuable rows) and ' +
        'treat the rest as rain-fed. The root zone is 47.5 mm below ' +
        'field capacity; the crop is stressed beyond 42.9 mm.',
    );
    expect(pumped.feasibility).toMatchObject({ feasible: false, capacityM3PerDay: 240 });
  });

  it('uses only the layers inside a shallow root zone', () => {
    const shallow = { ...field, rootDepthM: 0.3 };
    const p = soilMoisturePrescription({
      field: shallow,
      readings: [soil('probe-a', T, 0.1, 0.2, 0.05)],
      fromMs: T - 1,
      toMs: T + 1,
      createdAtMs: T,
    });
    // Layers 0-0.2 (w 0.2) and 0.2-0.3 (w 0.1); the 60 cm probe is below the roots.
    expect(p.steps.find((s) => s.name === 'theta_root')?.value).toBe(0.1333);
  });

  it('says so when there is nothing to go on', () => {
    const p = soilMoisturePrescription({
      field,
      readings: [],
      fromMs: T - 1,
      toMs: T + 1,
      createdAtMs: T,
    });
    expect([p.action, p.inputs.readingCount, p.steps]).toEqual(['insufficient-data', 0, []]);
  });
});
