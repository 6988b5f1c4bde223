import { describe, expect, it } from 'vitest';
import { DAY_MS, type Field, type StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, fieldFixture, stationDay } from '@shamba/schemas/testing';
import { addDays, nitrogenRate, summariseStation, type StationWeather } from '@shamba/agronomy';
import { EAT, midnight, square } from '../../testing/ziway-plots.js';
import { nitrogenPrescription } from './nitrogen-prescription.js';

function weatherDays(from: string, toExclusive: string): StationWeather {
  const out: StoredReading[] = [];
  for (let d = from; d < toExclusive; d = addDays(d, 1))
    for (const r of stationDay(
      'wx-1',
      d,
      { ...DRY_SEASON_DAY, rainMm: 0 },
      { utcOffsetMinutes: EAT },
    ))
      out.push({ ...r, coopId: 'coop-a', fieldId: null, zoneId: null, receivedMs: r.timeMs });
  return summariseStation(out, { utcOffsetMinutes: EAT });
}

describe('OSU SBNRC nitrogen rule', () => {
  // Sown 45 days before the scene (V8-V10 for maize); the station's week is warm, the days
  // before it count too.
  const sowing = '2026-10-01';
  const today = '2026-11-18';
  const zones = [
    { id: 'pale', boundary: square(0), areaHa: 0.3 },
    { id: 'green', boundary: square(0.001), areaHa: 0.3 },
    { id: 'cloudy', boundary: square(0.002), areaHa: 0.3 },
  ];
  const field = fieldFixture({ plantingDate: sowing, elevationM: 1640, zones });
  const at = midnight(today) + 9 * 3_600_000;
  const sceneMs = midnight(addDays(today, -3)) + 10 * 3_600_000;
  const run = (acquiredMs: number, f: Field = field) =>
    nitrogenPrescription({
      field: f,
      utcOffsetMinutes: EAT,
      weather: weatherDays(addDays(today, -7), today),
      asOfMs: at,
      createdAtMs: at,
      scene: {
        sceneId: 'S2-x',
        acquiredMs,
        ndviByZone: { pale: 0.55, green: 0.75, cloudy: null },
      },
      sceneNote: 'S2-x: the newest scene with a clear view of the field',
    });
  const pale = nitrogenRate({
    crop: 'maize',
    zoneNdvi: 0.55,
    referenceNdvi: 0.75,
    reference: 'best-zone',
    growingDays: 45,
    areaHa: 0.3,
  });

  it('rates each zone against the greenest, which itself gets 0, not the intercept', () => {
    const p = run(sceneMs);
    expect(pale.nKgHa).toBeGreaterThan(0);
    expect(p.zones[0]).toMatchObject({
      status: 'ok',
      reference: 'best-zone',
      referenceNdvi: 0.75,
      growingDays: 45,
      nKgHa: pale.nKgHa,
      sceneId: 'S2-x',
    });
    // The reference zone: RI_NDVI = 1. OSU's corn RI (1.64 x 1 - 0.5287 = 1.11) used to give it
    // the calibration's floor; by its own response index it needs none.
    expect(p.zones[1]).toMatchObject({ zoneId: 'green', status: 'reference', nKgHa: 0 });
    // Cloudy over one zone: the crop's N budget, saying why. By hand, maize 7 t/ha:
    // (7 x 18 - 40) / 0.6 = 143.3 kg N/ha, nothing applied.
    expect(p.zones[2]).toMatchObject({
      zoneId: 'cloudy',
      status: 'n-budget',
      nKgHa: 143.3,
      reason: 'cloudy over the zone in scene S2-x',
    });
    expect(p.summary).toBe(
      `N: pale ${pale.nKgHa} kg N/ha (${pale.products[0]!.kgPerPlot} kg urea 46-0-0); ` +
        'cloudy 143.3 kg N/ha (93.5 kg urea 46-0-0), by the N budget. ' +
        'N budget where the scene gives no rate: cloudy over the zone in scene S2-x.',
    );
    expect(p.provenance).toMatchObject({
      sceneId: 'S2-x',
      sceneNote: 'S2-x: the newest scene with a clear view of the field',
    });
  });

  it('gives the N-rich strip and a zone greener than it 0', () => {
    const withStrip = run(sceneMs, {
      ...field,
      zones: zones.map((z) => (z.id === 'pale' ? { ...z, nRichStrip: true } : z)),
    });
    expect(withStrip.zones.slice(0, 2)).toMatchObject([
      { zoneId: 'pale', status: 'reference', nKgHa: 0, reference: 'n-rich-strip' },
      { zoneId: 'green', status: 'no-response', nKgHa: 0, referenceNdvi: 0.55 },
    ]);
  });

  it('uses the N budget, and says why, when the scene is too old', () => {
    // A scene three weeks old says nothing about the crop today.
    const stale = run(sceneMs - 18 * DAY_MS);
    const why =
      'the latest clear scene is 20 days old (> 10), too old to say how green the crop is now';
    expect(
      stale.zones.map((z) => [z.status, 'nKgHa' in z ? z.nKgHa : null, 'reason' in z && z.reason]),
    ).toEqual([
      ['n-budget', 143.3, why],
      ['n-budget', 143.3, why],
      ['n-budget', 143.3, why],
    ]);
    expect(stale.steps.find((s) => s.name === 'N sensing')!.value).toBe(20); // whole days
    expect(stale.action).toBe('fertilise');
    expect(stale.provenance).toMatchObject({
      sceneId: 'S2-x',
      sceneNote: `S2-x: the newest scene with a clear view of the field; not used for nitrogen: ${why}`,
    });
  });
});
