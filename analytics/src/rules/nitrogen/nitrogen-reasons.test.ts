import { describe, expect, it } from 'vitest';
import { DAY_MS, type Field, type StoredReading } from '@shamba/schemas';
import { DRY_SEASON_DAY, fieldFixture, stationDay } from '@shamba/schemas/testing';
import { addDays, summariseStation } from '@shamba/agronomy';
import { EAT, midnight, square } from '../../testing/ziway-plots.js';
import { MAX_LISTED_APPLICATIONS, type AppliedRecord } from './applied-nitrogen.js';
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

/**
 * Two zones of different areas: a pale one of 0.2 ha and a green one of 0.6 ha; maize sown 48
 * days before today (45 growing days at a scene 3 days old: V8-V10).
 */
const field = (overrides: Partial<Field> = {}) =>
  fieldFixture({
    plantingDate: '2026-10-01',
    elevationM: 1640,
    areaHa: 0.8,
    zones: [
      { id: 'pale', boundary: square(0), areaHa: 0.2 },
      { id: 'green', boundary: square(0.001), areaHa: 0.6 },
    ],
    ...overrides,
  });

/** The field's N from a scene `ageDays` old (none: no clear scene yet). */
const prescribe = (f: Field, ageDays?: number, applications: AppliedRecord[] = []) =>
  nitrogenPrescription({
    field: f,
    utcOffsetMinutes: EAT,
    weather,
    asOfMs: AS_OF_MS,
    createdAtMs: AS_OF_MS,
    applications,
    ...(ageDays === undefined
      ? {}
      : {
          scene: {
            sceneId: 'S2-n',
            acquiredMs: AS_OF_MS - ageDays * DAY_MS - HOUR_MS,
            ndviByZone: { pale: 0.55, green: 0.75, [f.id]: 0.6 },
          },
        }),
  });

/** Each zone as [status, kg N/ha or null, reason or summary]: a rate or a reason, never neither. */
const zonesOf = (p: ReturnType<typeof prescribe>) =>
  p.zones.map((z) => [
    z.status,
    'nKgHa' in z ? z.nKgHa : null,
    'reason' in z ? z.reason : z.summary,
  ]);

describe('nitrogen rule: a rate or a reason for every zone', () => {
  it('gives the crop N budget, and says why, without a clear scene', () => {
    const why = 'no clear scene of the field yet';
    const p = prescribe(field());
    // By hand: maize 7 t/ha x 18 kg N/t = 126; (126 - 40) / 0.6 = 143.3 kg N/ha, none applied.
    expect(zonesOf(p)).toEqual([
      ['n-budget', 143.3, why],
      ['n-budget', 143.3, why],
    ]);
    expect([p.action, p.nKgHa]).toEqual(['fertilise', 143.3]);
    expect(p.zones[0]).toMatchObject({
      splits: [
        { share: 0.5, nKgHa: 71.7, when: 'now' },
        { share: 0.5, nKgHa: 71.7, when: 'in 14-21 days, before flowering' },
      ],
      products: [{ product: 'urea', kgPerHa: 312, kgPerPlot: 62.5 }, { product: 'can' }],
    });
    expect(p.provenance.sceneId).toBeNull();
    expect(p.parameters).toMatchObject({ seasonBudgetNKgHa: 143.3, appliedNKgHa: 0 });
  });

  it('rates by the scene when 10 days old, by the budget when 11', () => {
    const ten = prescribe(field(), 10);
    // Read at 10 days: 38 growing days then, and the pale zone's INSEY (0.55 / 38) sends maize's
    // YP0 past its cap, so the sensor gives no rate there and says why; the reference gets 0.
    expect(ten.zones.map((z) => z.status)).toEqual(['n-budget', 'reference']);
    expect(zonesOf(ten)[0]![2]).toMatch(
      /^No sensor-based N rate: INSEY 0\.0145 puts YP0 at its cap/,
    );
    expect(ten.parameters.sceneAgeDays).toBe(10);

    const eleven = prescribe(field(), 11);
    const why =
      'the latest clear scene is 11 days old (> 10), too old to say how green the crop is now';
    expect(zonesOf(eleven)).toEqual([
      ['n-budget', 143.3, why],
      ['n-budget', 143.3, why],
    ]);
    // The scene is recorded even though it was too old to use: a newer one makes it stale.
    expect(eleven.provenance.sceneId).toBe('S2-n');
  });

  const early = {
    why: 'too early',
    // Sown 13 days before today, 10 before the scene (3 days old): 10 growing days.
    overrides: { plantingDate: addDays(TODAY, -13) },
    reason:
      'Too early for a sensor-based N rate: 10 growing days, NDVI still sees soil; the sensing window of maize is 30-55 growing days (V8-V10 (Teal et al. 2006), about 35-45 days at Ziway, widened by the 5-day revisit).',
  };
  const late = {
    why: 'too late',
    overrides: { plantingDate: '2026-08-20' },
    reason:
      'Too late for a sensor-based N rate: 87 growing days, past the stage the equation was fitted at; the sensing window of maize is 30-55 growing days (V8-V10 (Teal et al. 2006), about 35-45 days at Ziway, widened by the 5-day revisit).',
  };
  it.each([early, late])('gives the N budget $why for the sensor', ({ overrides, reason }) => {
    const p = prescribe(field(overrides), 3);
    expect(zonesOf(p)).toEqual([
      ['n-budget', 143.3, reason],
      ['n-budget', 143.3, reason],
    ]);
    expect(p.action).toBe('fertilise');
    expect(p.summary).toBe(
      `N: pale 143.3 kg N/ha (62.5 kg urea 46-0-0), by the N budget; green 143.3 kg N/ha (187 kg urea 46-0-0), by the N budget. N budget where the scene gives no rate: ${reason}`,
    );
  });

  it('gives none past flowering, saying so', () => {
    // Sown 140 days before today; maize's mid-season starts on day 80 (FAO-56 Table 11).
    const p = prescribe(field({ plantingDate: addDays(TODAY, -140) }));
    expect(zonesOf(p)[0]).toEqual(['n-budget', 0, 'no clear scene of the field yet']);
    expect([p.action, p.summary]).toEqual([
      'none',
      "No N for Lower maize: No N: past flowering (day 140 of the season), N applied now no longer pays. By the crop's N budget: no clear scene of the field yet.",
    ]);
  });

  it('keeps none for a legume, with its reason, and no rate for a crop without a budget', () => {
    const beans = prescribe(field({ crop: 'beans' }), 3);
    const legume = 'No N topdress for beans: a legume fixes its own nitrogen.';
    expect(zonesOf(beans)).toEqual([
      ['legume', 0, legume],
      ['legume', 0, legume],
    ]);
    expect([beans.action, beans.summary]).toEqual(['none', `No N for Lower maize: ${legume}`]);
    // Without a scene a legume still needs none.
    expect(prescribe(field({ crop: 'beans' })).action).toBe('none');

    const coffee = prescribe(field({ crop: 'coffee' }), 3);
    const why =
      "No sensor-based N rate for coffee: no SBNRC calibration; use the cooperative's fertiliser plan.; " +
      "No N budget for coffee: no N uptake per tonne on record; use the cooperative's fertiliser plan.";
    expect(zonesOf(coffee)).toEqual([
      ['no-rate', null, why],
      ['no-rate', null, why],
    ]);
    expect(coffee.action).toBe('insufficient-data');
  });

  it('weighs each zone by its area; the greenest zone, the reference, gets 0', () => {
    const p = prescribe(field(), 3);
    const [pale, green] = p.zones;
    // By hand: INSEY 0.55 / 45 = 0.01222; YP0 = 1565 e^(154.7 x 0.01222) = 10,367 kg/ha;
    // RI_NDVI 0.75 / 0.55 = 1.364, RI 1.708; YPN = min(17,704, YPmax 12,000) = 12,000;
    // N = (12,000 - 10,367) x 0.0125 / 0.6 = 34.0 kg N/ha.
    expect(pale).toMatchObject({ status: 'ok', nKgHa: 34 });
    // By its own response index (RI_NDVI = 1) the reference needs none: it used to get 13.8
    // from the maize RI regression's intercept (1.64 x 1 - 0.5287 = 1.11).
    expect(green).toMatchObject({ status: 'reference', nKgHa: 0, splits: [], products: [] });
    // By hand: (34.0 x 0.2 ha + 0 x 0.6 ha) / 0.8 ha = 8.5 kg N/ha.
    expect(p.nKgHa).toBe(8.5);
    expect(p.parameters.areaHa).toBe(0.8);
    expect(p.action).toBe('fertilise');
  });
});

describe('nitrogen rule: applied N', () => {
  const applications: AppliedRecord[] = [
    { id: 1, date: '2025-10-05', product: 'urea', nKgHa: 46 }, // last season: not counted
    { id: 2, date: '2026-10-01', product: 'dap', nKgHa: 18 }, // at sowing, seen by the scene
    { id: 3, date: '2026-11-16', product: 'urea', nKgHa: 20 }, // after the scene (11-15)
    { id: 4, date: '2026-11-25', product: 'urea', nKgHa: 46 }, // dated ahead: not yet
  ];

  it('subtracts N applied since the scene from the sensor rate', () => {
    const p = prescribe(field(), 3, applications);
    expect(p.appliedN).toEqual({
      declaredKgHa: 0,
      applicationCount: 2,
      recordedKgHa: 38,
      applications: [
        { id: 2, date: '2026-10-01', product: 'dap', nKgHa: 18 },
        { id: 3, date: '2026-11-16', product: 'urea', nKgHa: 20 },
      ],
      totalKgHa: 38,
      sinceSceneCount: 1,
      sinceSceneKgHa: 20,
    });
    // 34.0 by the sensor, less the 20 applied after the scene.
    expect(p.zones[0]).toMatchObject({ status: 'ok', nKgHa: 14 });
    expect(p.parameters.appliedNKgHa).toBe(38);
  });

  it('keeps counts and totals, and only the newest few applications, however many there are', () => {
    // 40 of 0.5 kg N/ha: 30 a day before the scene (11-15), then 10 on one day after it.
    const many: AppliedRecord[] = Array.from({ length: 40 }, (_, i) => ({
      id: 100 + i,
      date: i < 30 ? addDays('2026-10-16', i) : '2026-11-16',
      product: 'urea',
      nKgHa: 0.5,
    }));
    const p = prescribe(field(), 3, [...many].reverse());
    expect(p.appliedN).toEqual({
      declaredKgHa: 0,
      applicationCount: 40,
      recordedKgHa: 20,
      applications: many.slice(-MAX_LISTED_APPLICATIONS).map(({ id, date, product, nKgHa }) => ({
        id,
        date,
        product,
        nKgHa,
      })),
      totalKgHa: 20,
      sinceSceneCount: 10,
      sinceSceneKgHa: 5,
    });
  });

  it('subtracts all N applied this season from the N budget', () => {
    // 143.3 for the season; 120 declared on the field + 38 recorded = 158: met.
    const p = prescribe(field({ nitrogenKgHa: 120 }), undefined, applications);
    expect(zonesOf(p)[0]!.slice(0, 2)).toEqual(['n-budget', 0]);
    expect([p.action, p.nKgHa]).toEqual(['none', 0]);
    expect(p.summary).toBe(
      "No N for Lower maize: The season's N budget of 143.3 kg N/ha is met: 158 kg N/ha applied. By the crop's N budget: no clear scene of the field yet.",
    );
    // 120 declared alone: 23.3 left.
    expect(prescribe(field({ nitrogenKgHa: 120 })).nKgHa).toBe(23.3);
  });

  it('keeps the sensor rate within what is left of the season budget', () => {
    // 120 declared + 18 at sowing = 138 of 143.3: 5.3 left, below the sensor's 34.0.
    const p = prescribe(field({ nitrogenKgHa: 120 }), 3, applications.slice(0, 2));
    expect(p.zones[0]).toMatchObject({ status: 'ok', nKgHa: 5.3 });
    const [pale] = p.zones;
    expect(pale !== undefined && 'steps' in pale && pale.steps.at(-1)!.name).toBe(
      'N rate within the season budget',
    );
  });
});

describe('nitrogen rule: demo-like fields', () => {
  // The demo's four plots (world/scenarios/oromia-demo.json), a scene on 2026-11-28, today
  // 2026-12-03: maize past its window, teff of one zone, declared N as in the scenario; plus a
  // field with no scene and one just sown.
  const today = '2026-12-03';
  const asOfMs = midnight(today) + 9 * HOUR_MS;
  const sceneMs = midnight('2026-11-28') + 10 * HOUR_MS;
  const two = [
    { id: 'sandy', boundary: square(0), areaHa: 0.3 },
    { id: 'loam', boundary: square(0.001), areaHa: 0.4 },
  ];
  const cases: [Partial<Field>, boolean][] = [
    [
      {
        id: 'tolosa-maize',
        crop: 'maize',
        plantingDate: '2026-10-01',
        nitrogenKgHa: 120,
        zones: two,
      },
      true,
    ],
    [{ id: 'tolosa-teff', crop: 'teff', plantingDate: '2026-10-20', nitrogenKgHa: 60 }, true],
    [{ id: 'almaz-maize', crop: 'maize', plantingDate: '2026-09-25', nitrogenKgHa: 150 }, true],
    [{ id: 'chaltu-teff', crop: 'teff', plantingDate: '2026-10-15', nitrogenKgHa: 30 }, true],
    [{ id: 'no-scene', crop: 'teff', plantingDate: '2026-10-15' }, false],
    [{ id: 'just-sown', crop: 'maize', plantingDate: '2026-11-20' }, true],
  ];
  it('gives every field a rate or a reason, never nothing', () => {
    const out = cases.map(([overrides, seen]) => {
      const f = fieldFixture({ areaHa: 0.7, ...overrides });
      const p = nitrogenPrescription({
        field: f,
        utcOffsetMinutes: EAT,
        weather: { deviceIds: [], readingCount: 0, firstMs: null, days: [] },
        asOfMs,
        createdAtMs: asOfMs,
        ...(seen
          ? {
              scene: {
                sceneId: 'S2-d',
                acquiredMs: sceneMs,
                ndviByZone: { sandy: 0.5, loam: 0.62, [f.id]: 0.55 },
              },
            }
          : {}),
      });
      for (const z of p.zones) {
        expect('nKgHa' in z ? typeof z.nKgHa : 'reason' in z && z.reason.length > 0).toBeTruthy();
        expect(z.status).not.toBe('no-rate');
      }
      return [f.id, p.action, p.nKgHa, p.zones.map((z) => z.status).join(',')];
    });
    // By hand: maize (7 x 18 - 40) / 0.6 = 143.3, teff (2.5 x 30 - 40) / 0.6 = 58.3, less the N
    // declared on each field; maize at 58 growing days is past its window; one teff zone and no
    // strip: nothing to compare it with.
    expect(out).toEqual([
      ['tolosa-maize', 'fertilise', 23.3, 'n-budget,n-budget'],
      ['tolosa-teff', 'none', 0, 'n-budget'],
      ['almaz-maize', 'none', 0, 'n-budget'],
      ['chaltu-teff', 'fertilise', 28.3, 'n-budget'],
      ['no-scene', 'fertilise', 58.3, 'n-budget'],
      ['just-sown', 'fertilise', 143.3, 'n-budget'],
    ]);
  });
});
