import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
import { BUILT_IN_SCENARIOS, OROMIA_DEMO } from '../scenarios/built-in.js';
import type { Scenario } from '../scenarios/scenario.js';
import { seasonPlantingMs } from '../seasons/season-calendar.js';
import { createWorld } from './world.js';

describe('the simulated world', () => {
  it('dries the soil under ET by day, not by night, and wets it with rain or irrigation', () => {
    const start = Date.UTC(2026, 10, 26, 0); // Ziway, dry season
    const w = createWorld(OROMIA_DEMO, start);
    const field = 'field-almaz-maize';
    const d0 = w.depletionMm(field);
    w.advanceTo(start + 2 * 3_600_000); // 02:00 UTC is 04:35 solar time: night
    expect(w.depletionMm(field)).toBe(d0);
    w.advanceTo(start + 14 * 3_600_000);
    const d1 = w.depletionMm(field);
    expect(d1 - d0).toBeGreaterThan(2); // most of a day's ETc: Kc ~1 times ET0 of 4-6 mm
    expect(d1 - d0).toBeLessThan(8);
    w.irrigate(field, 10);
    expect(w.depletionMm(field)).toBeCloseTo(Math.max(0, d1 - 10), 9);
  });

  it('raises soil moisture after the scenario shower', () => {
    const scenario: Scenario = { ...OROMIA_DEMO, rain: [{ dayOffset: 0, hour: 12, mm: 25 }] };
    const start = Date.UTC(2026, 10, 26, 6);
    const w = createWorld(scenario, start);
    const field = 'field-tolosa-maize'; // starts dry
    const before = w.soilSample('probe-1-2', field).vwc30!;
    w.advanceTo(start + 10 * 3_600_000);
    expect(w.soilSample('probe-1-2', field).vwc30!).toBeGreaterThan(before + 0.02);
  });

  it('yields less in a drought than with irrigation, and shows it from orbit', () => {
    const drought = BUILT_IN_SCENARIOS['oromia-drought']!;
    const irrigated: Scenario = {
      ...drought,
      id: 'oromia-irrigated',
      fields: drought.fields.map((f) => ({ ...f, autoIrrigation: { atDepletionFraction: 0.4 } })),
    };
    const field = 'field-almaz-maize';
    const planting = seasonPlantingMs(
      drought.fields.find((f) => f.id === field)!.plantingDate,
      Date.UTC(2026, 11, 1),
    );
    const [dry, wet] = [drought, irrigated].map((s) => {
      const w = createWorld(s, planting);
      w.advanceTo(planting + 90 * DAY_MS); // mid-season: canopy and NDVI
      const mid = w.crop(field);
      w.advanceTo(planting + 150 * DAY_MS); // end of the maize season
      return { mid, end: w.crop(field) };
    });
    expect(dry!.end.yieldTHa).toBeLessThan(wet!.end.yieldTHa - 1);
    expect(wet!.end.yieldTHa).toBeGreaterThan(5); // 7 t/ha attainable, N 150 of 150 kg/ha
    expect(dry!.mid.ndvi).toBeLessThan(wet!.mid.ndvi - 0.05);
    expect(dry!.mid.waterStress).toBeGreaterThan(wet!.mid.waterStress);
  });

  it('is the same world every time for the same seed', () => {
    const start = Date.UTC(2026, 10, 20);
    const [a, b] = [createWorld(OROMIA_DEMO, start), createWorld(OROMIA_DEMO, start)];
    a.advanceTo(start + 3 * DAY_MS);
    b.advanceTo(start + 3 * DAY_MS);
    expect(a.crop('field-chaltu-teff')).toEqual(b.crop('field-chaltu-teff'));
    expect(a.weatherSample('field-chaltu-teff', start)).toEqual(
      b.weatherSample('field-chaltu-teff', start),
    );
  });

  it('takes the planting date as a yearly calendar', () => {
    expect(new Date(seasonPlantingMs('2026-10-01', Date.UTC(2027, 2, 1))).toISOString()).toBe(
      '2026-10-01T00:00:00.000Z',
    );
    expect(new Date(seasonPlantingMs('2026-10-01', Date.UTC(2027, 11, 1))).toISOString()).toBe(
      '2027-10-01T00:00:00.000Z',
    );
  });
});

describe('zones', () => {
  it('keeps a water balance per zone, and the field is their area-weighted mean', () => {
    const start = Date.UTC(2026, 10, 26, 6);
    const w = createWorld(OROMIA_DEMO, start);
    w.advanceTo(start + DAY_MS);
    const sandy = w.depletionMm('tolosa-maize-sandy');
    const loam = w.depletionMm('tolosa-maize-loam');
    expect(sandy).toBeGreaterThan(loam + 5);
    const field = w.depletionMm('field-tolosa-maize');
    expect(field).toBeGreaterThan(loam);
    expect(field).toBeLessThan(sandy);
    // Probes read their own zone: the sandy zone is drier (FC 0.23 against 0.25, and more depleted).
    const vwc = (zone: string) => w.soilSample('probe-1-1', 'field-tolosa-maize', zone).vwc30!;
    expect(vwc('tolosa-maize-sandy')).toBeLessThan(vwc('tolosa-maize-loam') - 0.02);
  });

  it('finds the zone under a point', () => {
    const w = createWorld(OROMIA_DEMO, Date.UTC(2026, 10, 26));
    expect(w.zoneAt('field-tolosa-maize', [38.7203, 7.9308])).toBe('tolosa-maize-sandy');
    expect(w.zoneAt('field-tolosa-maize', [38.7213, 7.9309])).toBe('tolosa-maize-loam');
    expect(w.zoneAt('field-tolosa-maize', [38.9, 7.9])).toBeUndefined();
  });
});
