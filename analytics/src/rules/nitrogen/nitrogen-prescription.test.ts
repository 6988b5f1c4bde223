import { describe, expect, it } from 'vitest';
import { DAY_MS, type Field, type NitrogenZone, type StoredReading } from '@shamba/schemas';
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

/** A zone's rate, or null where it has none (the shape zones had inside irrigation). */
const rateOf = (zone: NitrogenZone) => ('reason' in zone ? null : zone);

describe('OSU SBNRC nitrogen rule', () => {
  it('gives N per zone against the greenest zone or the N-rich strip, from a recent scene only', () => {
    const sowing = '2026-08-20';
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
      });
    const p = run(sceneMs);
    const [pale, green, cloudy] = p.zones.map(rateOf);
    // Sown 87 days before the scene; the station's week is warm, the days before it count too.
    const expected = nitrogenRate({
      crop: 'maize',
      zoneNdvi: 0.55,
      referenceNdvi: 0.75,
      reference: 'best-zone',
      growingDays: 87,
      areaHa: 0.3,
    });
    expect(expected.nKgHa).toBeGreaterThan(0);
    expect(pale).toMatchObject({
      status: 'ok',
      reference: 'best-zone',
      referenceNdvi: 0.75,
      growingDays: 87,
      nKgHa: expected.nKgHa,
      sceneId: 'S2-x',
    });
    // The reference zone itself: RI_NDVI = 1, and OSU's corn RI (1.64 x 1 - 0.5287 = 1.11) still
    // expects some response, so even the greenest zone gets the calibration's floor.
    const floor = nitrogenRate({
      crop: 'maize',
      zoneNdvi: 0.75,
      referenceNdvi: 0.75,
      reference: 'best-zone',
      growingDays: 87,
      areaHa: 0.3,
    }).nKgHa;
    expect(green!.nKgHa).toBe(floor);
    expect(floor).toBeLessThan(expected.nKgHa);
    expect(cloudy).toBeNull();
    expect(p.summary).toMatch(new RegExp(`N: pale ${expected.nKgHa} kg N/ha`));
    expect(p.provenance.sceneId).toBe('S2-x');

    // With an N-rich strip, it is the reference (and gets no rate itself).
    const withStrip = run(sceneMs, {
      ...field,
      zones: zones.map((z) => (z.id === 'pale' ? { ...z, nRichStrip: true } : z)),
    });
    expect(rateOf(withStrip.zones[0]!)).toBeNull();
    expect(rateOf(withStrip.zones[1]!)).toMatchObject({
      reference: 'n-rich-strip',
      referenceNdvi: 0.55,
      nKgHa: floor, // greener than the strip: RI_NDVI is held at 1
    });

    // A scene three weeks old says nothing about the crop today.
    const stale = run(sceneMs - 18 * DAY_MS);
    expect(stale.zones.map(rateOf)).toEqual([null, null, null]);
    expect(stale.steps.find((s) => s.name === 'N sensing')!.value).toBe(20); // whole days
  });
});
