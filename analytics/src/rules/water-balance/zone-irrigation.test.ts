import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cropParameters } from '@shamba/agronomy';
import { zoneIrrigation, type ZoneIrrigationInput } from './zone-irrigation.js';

const dryWeek = Array.from({ length: 7 }, (_, i) => ({
  dateIso: `2026-03-${String(11 + i).padStart(2, '0')}`,
  et0Mm: 5,
  rainMm: 0,
}));

const zone: ZoneIrrigationInput = {
  zoneId: 'z1',
  areaHa: 0.25,
  soil: { fieldCapacity: 0.3, wiltingPoint: 0.15 },
  maxRootDepthM: 1.2,
  crop: cropParameters('maize'),
  daysAfterSowing: 90,
  drMm: 100,
  drSource: 'sensor',
  todayIso: '2026-03-10',
  et0Mm: 5,
  forecast: dryWeek,
  method: 'sprinkler',
  supply: { method: 'sprinkler', flowM3h: 10 },
};

describe('zoneIrrigation', () => {
  it('refills a zone past RAW and explains every number', () => {
    // Mid-season maize: Kc 1.2, ETc 6; Zr 1.2 (soil limit); TAW 180; p = 0.55 + 0.04 (5 - 6) = 0.51;
    // RAW 91.8; Dr 100 > RAW: net 100 mm, gross 100 / 0.75 = 133.3 mm; 0.25 ha -> 333.3 m3; 2000 min at 10 m3/h.
    const r = zoneIrrigation(zone);
    expect(r).toMatchObject({
      action: 'irrigate',
      reason: 'depletion-above-raw',
      netDepthMm: 100,
      grossDepthMm: 133.3,
      volumeM3: 333.3,
      // 133.33... mm x 0.25 ha x 10 = 333.33 m3: the arithmetic runs on exact values.
      litres: 333_333,
      pumpMinutes: 2000,
      units: { amount: 2000, unit: 'system-minutes' },
    });
    expect(Object.fromEntries(r.steps.map((s) => [s.name, s.value]))).toMatchObject({
      Kc: 1.2,
      ETc: 6,
      Zr: 1.2,
      TAW: 180,
      p: 0.51,
      RAW: 91.8,
      Dr: 100,
    });
    expect(r.summary).toBe(
      'ET0 5 mm x Kc 1.2 = ETc 6 mm/day; Dr 100 mm > RAW 91.8 mm -> irrigate today 100 mm net, 133.3 mm gross by sprinkler (333333 litres, 2000 min of the system running). Each day late costs about 0.09 % of the attainable yield (FAO-33 Ky).',
    );
  });

  it('says today, not tomorrow, for a zone past RAW, with the yield each day late costs', () => {
    const r = zoneIrrigation(zone);
    // Ks = (TAW - Dr) / ((1 - p) TAW) = (180 - 100) / (0.49 x 180) = 0.9070 (FAO-56 eq. 84).
    // Maize season Kc, day by day (FAO-56 eq. 66): 30 days x 0.3, development 0.3 + 0.9 (d/50)
    // for d = 0..49 (sum 37.05), 60 x 1.2, late 1.2 - 0.85 (d/40) for d = 0..39 (sum 31.425):
    // 149.475; a mid-season day is 1.2 / 149.475 of the season's ETc. FAO-33: 1 - Ya/Ym =
    // Ky (1 - ETa/ETc), Ky 1.25: 100 x 1.25 x (1 - 0.9070) x 1.2 / 149.475 = 0.0933 % a day late.
    const ks = 80 / (0.49 * 180);
    expect(r).toMatchObject({ urgency: 'today', irrigateBy: '2026-03-10', daysBeforeStress: 0 });
    expect(r.expectedLossPctPerDayLate).toBeCloseTo(100 * 1.25 * (1 - ks) * (1.2 / 149.475), 9);
    expect(r.steps.find((s) => s.name === 'Ks')!.value).toBe(0.907);
    // Further past RAW costs more a day.
    expect(zoneIrrigation({ ...zone, drMm: 150 }).expectedLossPctPerDayLate!).toBeGreaterThan(
      r.expectedLossPctPerDayLate!,
    );
  });

  it('gives the volume in the units of the supply: pump minutes, canal hours, 20-L cans', () => {
    // 333.33 m3 gross (see above).
    const units = (supply: ZoneIrrigationInput['supply']) => {
      const { supply: _, ...rest } = zone;
      const r = zoneIrrigation(supply === undefined ? rest : { ...rest, supply });
      return [r.units, r.pumpMinutes];
    };
    expect(units({ method: 'pump', flowM3h: 20 })).toEqual([
      { amount: 1000, unit: 'pump-minutes' },
      1000,
    ]);
    expect(units({ method: 'canal', flowM3h: 100, hoursPerTurn: 6, everyDays: 7 })).toEqual([
      { amount: 3.3, unit: 'canal-hours' },
      200,
    ]);
    // 333,333.3 L / 20 L = 16,666.7: 16,667 cans (a part can is a trip).
    expect(units({ method: 'hand', litresPerDay: 100 })).toEqual([
      { amount: 16_667, unit: 'cans-20l' },
      null,
    ]);
    expect(units(undefined)).toEqual([null, null]);
  });

  it('waits for heavy rain forecast tomorrow instead of irrigating', () => {
    const rainy = dryWeek.map((d, i) => (i === 0 ? { ...d, rainMm: 45 } : d));
    const r = zoneIrrigation({ ...zone, forecast: rainy });
    expect(r).toMatchObject({ action: 'none', reason: 'rain-covers', netDepthMm: 0 });
    expect(r.summary).toMatch(/45 mm of rain is forecast by 2026-03-11/);
  });

  it('gives the date by which to irrigate when RAW is not reached yet', () => {
    // Dr 70, ETc about 6 mm/day: RAW 91.8 is passed on the fourth day (94).
    const r = zoneIrrigation({ ...zone, drMm: 70 });
    expect(r).toMatchObject({
      action: 'none',
      reason: 'not-yet',
      irrigateBy: '2026-03-14',
      urgency: 'by-date',
      daysBeforeStress: 4,
      expectedLossPctPerDayLate: null,
    });
  });

  it('gives a drier zone at least as much water (monotonic)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        (dr, extra) => {
          const wet = zoneIrrigation({ ...zone, drMm: dr });
          const dry = zoneIrrigation({ ...zone, drMm: Math.min(180, dr + extra) });
          expect(dry.grossDepthMm).toBeGreaterThanOrEqual(wet.grossDepthMm);
        },
      ),
    );
  });

  it('does not irrigate a soaked zone after heavy rain', () => {
    expect(zoneIrrigation({ ...zone, drMm: 0 })).toMatchObject({ action: 'none', grossDepthMm: 0 });
  });

  it('takes Kc from the canopy when a recent scene gives the zone NDVI', () => {
    // Maize Kc ini 0.3, mid 1.2; NDVI 0.5: cover (0.5 - 0.15) / 0.7 = 0.5 -> Kc 0.75, ETc 3.75.
    const pale = zoneIrrigation({ ...zone, canopyNdvi: 0.5 });
    const kc = pale.steps.find((s) => s.name === 'Kc')!;
    expect([kc.value, kc.source]).toEqual([
      0.75,
      expect.stringMatching(/Neale, Bausch & Heermann 1989/),
    ]);
    expect(pale.steps.find((s) => s.name === 'ETc')!.value).toBe(3.8);
    // p = 0.55 + 0.04 (5 - 3.75) = 0.6 -> RAW 108 mm > Dr 100: a thin canopy can wait.
    expect(pale.action).toBe('none');
    // Beyond full cover Kc stays at Kc mid; bare soil at Kc ini.
    expect(
      zoneIrrigation({ ...zone, canopyNdvi: 0.95 }).steps.find((s) => s.name === 'Kc')!.value,
    ).toBe(1.2);
    expect(
      zoneIrrigation({ ...zone, canopyNdvi: 0.05 }).steps.find((s) => s.name === 'Kc')!.value,
    ).toBe(0.3);
    // A perennial keeps its table Kc (shade trees and cover crops confuse its NDVI).
    const coffee = zoneIrrigation({ ...zone, crop: cropParameters('coffee'), canopyNdvi: 0.3 });
    expect(coffee.steps.find((s) => s.name === 'Kc')!.value).toBe(cropParameters('coffee').kc.mid);
  });
});
