import { describe, expect, it } from 'vitest';
import { DAY_MS, type Field, type StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, fieldFixture, stationDay } from '@shamba/schemas/testing';
import { addDays, summariseStation } from '@shamba/agronomy';
import { EAT, midnight, square } from '../../testing/ziway-plots.js';
import { nitrogenPrescription } from './nitrogen-prescription.js';

const HOUR_MS = 3_600_000;

const TODAY = '2026-11-18';
const AS_OF_MS = midnight(TODAY) + 9 * HOUR_MS;
/** A week of warm dry days before today: every day a growing day. */
const weather = summariseStation(
  Array.from({ length: 7 }, (_, i) => addDays(TODAY, i - 7)).flatMap((d): StoredReading[] =>
    stationDay('wx-1', d, DRY_SEASON_DAY, { utcOffsetMinutes: EAT }).map((r) => ({
      ...r,
      coopId: 'coop-a',
      fieldId: null,
      zoneId: null,
      receivedMs: r.timeMs,
    })),
  ),
  { utcOffsetMinutes: EAT },
);

/** Two zones of different areas: a pale one of 0.2 ha and a green one of 0.6 ha. */
const field = (overrides: Partial<Field> = {}) =>
  fieldFixture({
    plantingDate: '2026-08-20',
    elevationM: 1640,
    areaHa: 0.8,
    zones: [
      { id: 'pale', boundary: square(0), areaHa: 0.2 },
      { id: 'green', boundary: square(0.001), areaHa: 0.6 },
    ],
    ...overrides,
  });

/** The field's N from a scene `ageDays` old (none: no clear scene yet). */
const prescribe = (f: Field, ageDays?: number) =>
  nitrogenPrescription({
    field: f,
    utcOffsetMinutes: EAT,
    weather,
    asOfMs: AS_OF_MS,
    createdAtMs: AS_OF_MS,
    ...(ageDays === undefined
      ? {}
      : {
          scene: {
            sceneId: 'S2-n',
            acquiredMs: AS_OF_MS - ageDays * DAY_MS - HOUR_MS,
            ndviByZone: { pale: 0.55, green: 0.75 },
          },
        }),
  });

describe('OSU SBNRC nitrogen rule: why a zone has no rate', () => {
  it('says so for each zone, and insufficient data for the field, without a clear scene', () => {
    const why = 'no clear scene of the field yet: no N rate';
    const p = prescribe(field());
    expect(p.zones).toEqual([
      { zoneId: 'pale', areaHa: 0.2, status: 'no-rate', reason: why },
      { zoneId: 'green', areaHa: 0.6, status: 'no-rate', reason: why },
    ]);
    expect([p.action, p.nKgHa, p.summary]).toEqual([
      'insufficient-data',
      0,
      `No N rate for Lower maize: ${why}.`,
    ]);
    expect(p.provenance.sceneId).toBeNull();
  });

  it('gives a rate from a scene 10 days old, and none from one 11 days old', () => {
    const ten = prescribe(field(), 10);
    expect(ten.action).toBe('fertilise');
    expect(ten.parameters.sceneAgeDays).toBe(10);

    const why = 'the latest clear scene is 11 days old (> 10): no N rate';
    const eleven = prescribe(field(), 11);
    expect(eleven.zones).toEqual([
      { zoneId: 'pale', areaHa: 0.2, status: 'no-rate', reason: why },
      { zoneId: 'green', areaHa: 0.6, status: 'no-rate', reason: why },
    ]);
    expect([eleven.action, eleven.nKgHa, eleven.summary]).toEqual([
      'insufficient-data',
      0,
      `No N rate for Lower maize: ${why}.`,
    ]);
    // The scene is recorded even though it was too old to use: a newer one makes it stale.
    expect(eleven.provenance.sceneId).toBe('S2-n');
  });

  // What SBNRC refuses (nitrogen-rate.ts): each seen zone carries the refusal as its status and
  // summary, with no dose; the field says why: too early or no calibration is no rate yet
  // (`insufficient-data`), a legume needs none (`none`).
  it.each([
    {
      why: 'too early',
      // Sown 13 days before today, 10 before the scene (3 days old): 10 growing days.
      overrides: { plantingDate: addDays(TODAY, -13) },
      growingDays: 10,
      status: 'too-early',
      action: 'insufficient-data',
      summary:
        'Too early for an N rate: 10 growing days, NDVI still sees soil; sense again after 20.',
    },
    {
      why: 'a legume',
      overrides: { crop: 'beans' },
      growingDays: 87,
      status: 'legume',
      action: 'none',
      summary: 'No N topdress for beans: a legume fixes its own nitrogen.',
    },
    {
      why: 'a crop without an SBNRC calibration',
      overrides: { crop: 'coffee' },
      growingDays: 87,
      status: 'unsupported-crop',
      action: 'insufficient-data',
      summary:
        "No sensor-based N rate for coffee: no SBNRC calibration; use the cooperative's fertiliser plan.",
    },
  ])('gives no dose to $why', ({ overrides, growingDays, status, action, summary }) => {
    const p = prescribe(field(overrides), 3);
    const zone = (zoneId: string, areaHa: number, zoneNdvi: number) => ({
      zoneId,
      areaHa,
      status,
      nKgHa: 0,
      sceneId: 'S2-n',
      zoneNdvi,
      referenceNdvi: 0.75,
      reference: 'best-zone',
      growingDays,
      splits: [],
      products: [],
      summary,
      steps: [],
    });
    expect(p.zones).toEqual([zone('pale', 0.2, 0.55), zone('green', 0.6, 0.75)]);
    expect([p.action, p.nKgHa, p.summary]).toEqual([action, 0, `Lower maize: ${summary}`]);
  });
});

describe('OSU SBNRC nitrogen rule: the field rate', () => {
  it('weighs each zone by its area', () => {
    const p = prescribe(field(), 3);
    // SBNRC for maize, 87 growing days: the pale zone against the green one, and the green one
    // against itself (the calibration's floor).
    expect(p.zones.map((z) => ('nKgHa' in z ? [z.zoneId, z.nKgHa] : null))).toEqual([
      ['pale', 61.4],
      ['green', 13.8],
    ]);
    // By hand: (61.4 x 0.2 ha + 13.8 x 0.6 ha) / 0.8 ha = (12.28 + 8.28) / 0.8 = 25.7 kg N/ha,
    // where the zones' plain mean would be 37.6.
    expect(p.nKgHa).toBe(25.7);
    expect(p.parameters.areaHa).toBe(0.8);
    expect(p.action).toBe('fertilise');
  });

  it('counts a zone without a rate as 0 over its area', () => {
    const p = nitrogenPrescription({
      field: field({
        zones: [
          { id: 'strip', boundary: square(0), areaHa: 0.1, nRichStrip: true },
          { id: 'pale', boundary: square(0.001), areaHa: 0.6 },
        ],
      }),
      utcOffsetMinutes: EAT,
      weather,
      asOfMs: AS_OF_MS,
      createdAtMs: AS_OF_MS,
      scene: {
        sceneId: 'S2-n',
        acquiredMs: AS_OF_MS - 3 * DAY_MS,
        ndviByZone: { strip: 0.75, pale: 0.55 },
      },
    });
    // The strip is the reference and has no rate; the pale zone gets 61.4 as above.
    expect(p.zones[0]).toEqual({
      zoneId: 'strip',
      areaHa: 0.1,
      status: 'no-rate',
      reason: 'the N-rich strip: the reference the other zones are read against',
    });
    expect(p.zones[1]).toMatchObject({ zoneId: 'pale', reference: 'n-rich-strip', nKgHa: 61.4 });
    // By hand: (0 x 0.1 ha + 61.4 x 0.6 ha) / 0.7 ha = 36.84 / 0.7 = 52.6 kg N/ha.
    expect(p.nKgHa).toBe(52.6);
    expect(p.parameters.areaHa).toBe(0.7);
  });
});
