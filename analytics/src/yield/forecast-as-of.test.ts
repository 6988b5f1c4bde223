import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localMidnightMs } from '@shamba/agronomy';
import { isShambaError, type Field } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createModelStore } from '../models/model-store.js';
import { initTfBackend, tf } from '../models/tf-backend.js';
import { createWorkerPool, type WorkerPool } from '../worker/worker-pool.js';
import { createForecastService, type ForecastService } from './forecast-service.js';
import { buildQuantileModel } from './quantile-model.js';
import { FEATURE_NAMES } from './yield-features.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3
const NOW = Date.parse('2026-09-15T09:00:00Z'); // 12:00 local
const SOWING = '2026-08-01';
const SEASON_DAYS = 45; // sowing to yesterday, every day recorded
/** Noon local on 29 August: four weeks into the season. */
const AS_OF = Date.parse('2026-08-29T09:00:00Z');
const AS_OF_DAY = '2026-08-29';
const DAYS = Array.from({ length: SEASON_DAYS }, (_, d) => addDays(SOWING, d));
/** The station's readings over the season: Rift weather, rain every fourth day, ~1640 m. */
const weather = (dates: readonly string[], more: { wet?: boolean } = {}) =>
  stationReadings(dates, {
    coopId: 'coop-a',
    utcOffsetMinutes: EAT,
    weather: (d) => ({
      tMaxC: more.wet === true ? 35 : 27,
      tMinC: 13,
      rhMaxPct: 85,
      rhMinPct: 40,
      windMs: 2,
      solarMJ: 21,
      rainMm: more.wet === true ? 40 : d % 4 === 0 ? 9 : 0,
      // Drives the site's elevation (the field has none recorded: FAO-56 eq. 7), so ET0.
      pressureKPa: more.wet === true ? 70 : 83.5,
    }),
  });

/** An NDVI scene over the field, shared by every cooperative. */
const scene = (id: string, dateIso: string, ndvi: number) => {
  const acquiredMs = localMidnightMs(dateIso, EAT) + 10 * 3_600_000; // 10:30 overpass, roughly
  return [
    { id, ownerCoopId: null, acquiredMs, itemPath: id, cloudCoverPct: 0, processedMs: NOW },
    [
      {
        sceneId: id,
        ownerCoopId: null,
        fieldId: 'maize-1',
        acquiredMs,
        indices: {
          status: 'ok' as const,
          validFraction: 1,
          pixelCount: 40,
          ndvi: { mean: ndvi, sd: 0.02, p10: ndvi - 0.03, p50: ndvi, p90: ndvi + 0.03 },
        },
      },
    ],
  ] as const;
};

// The forecast as of a past instant against real stores, a real promoted TF.js model and the
// pool in this thread: what comes after the instant (scenes, weather) must not move it.
describe('a forecast as of a past instant', () => {
  let stores: TempStores;
  let pool: WorkerPool;
  let forecasts: ForecastService;
  let model: tf.LayersModel;
  let field: Field;

  beforeAll(async () => {
    stores = await openTempStores('shamba-forecast-as-of-');
    const { registry, store } = stores;
    await registry.coops.upsert(coopFixture());
    await registry.devices.upsert(weatherStationFixture());
    field = fieldFixture({ id: 'maize-1', plantingDate: SOWING, nitrogenKgHa: 80 });
    await registry.fields.upsert(field);
    await store.write(weather(DAYS));
    await initTfBackend();
    model = buildQuantileModel({ inputs: FEATURE_NAMES.length, hiddenUnits: 6, seed: 7 });
    const out = model.layers[2]!;
    out.setWeights([out.getWeights()[0]!, tf.tensor1d([3, 0.2, 0.4])]);
    const modelsDir = join(stores.dir, 'models');
    const models = createModelStore({ dir: modelsDir, clock: () => NOW });
    const version = await models.save('yield', model, {
      features: [...FEATURE_NAMES],
      normalization: {
        mean: [0.5, 0.3, 0.6, 10, 0.8, 300, 0.8, 60, 80, 0.2, 0.2, 0.2, 0.2, 0.2, 0],
        std: [0.3, 0.2, 0.2, 3, 0.2, 150, 0.4, 30, 30, 0.4, 0.4, 0.4, 0.4, 0.4, 1],
      },
      evaluation: { model: { rmseTHa: 0.5 }, fao33: { rmseTHa: 0.7 } },
    });
    await models.promote('yield', version);
    pool = await createWorkerPool({ size: 0 });
    forecasts = createForecastService({ registry, store, pool, modelsDir, clock: () => NOW });
  }, 120_000);
  afterAll(async () => {
    model?.dispose();
    await pool?.close();
    await stores?.close();
  });

  it('as of now is the default forecast; as of a past day, the season cut there', async () => {
    const byDefault = await forecasts.field(field);
    expect([byDefault.status, byDefault.basis, byDefault.daysSinceSowing]).toEqual([
      'ok',
      'season-to-date',
      SEASON_DAYS,
    ]);
    expect(await forecasts.field(field, { asOfMs: NOW })).toEqual(byDefault);

    const past = await forecasts.field(field, { asOfMs: AS_OF });
    expect([past.asOfMs, past.basis, past.daysSinceSowing]).toEqual([AS_OF, 'season-to-date', 28]);
    // Several instants in one pass (the season read once, cut per instant) give the same.
    expect(
      await forecasts.at([
        { field, asOfMs: AS_OF },
        { field, asOfMs: NOW },
      ]),
    ).toEqual([past, byDefault]);
    // Four weeks in: the season fraction and the rain are four weeks' (rain on days 0, 4, ... 24).
    expect(past.features!.rainMm).toBe(7 * 9);
    expect(past.features!.seasonFraction).toBeCloseTo(28 / byDefault.seasonLengthDays, 4);
    // As of the sowing day the model knew only the crop, soil and nitrogen.
    const sown = await forecasts.field(field, { asOfMs: localMidnightMs(SOWING, EAT) });
    expect([sown.basis, sown.daysSinceSowing, sown.features!.rainMm]).toEqual(['at-sowing', 0, 0]);
    expect(sown.assumed).toContain(
      'sown today: forecast from what was known at sowing (crop, soil, nitrogen)',
    );
  });

  it('refuses an instant after now, or not an instant', async () => {
    for (const asOfMs of [NOW + 1, Number.NaN, 1.5])
      await expect(forecasts.field(field, { asOfMs })).rejects.toSatisfy((e: unknown) =>
        isShambaError(e, 'INVALID_REQUEST'),
      );
  });

  it('does not see a scene acquired after the instant', async () => {
    const { registry } = stores;
    await registry.scenes.add(...scene('S2-before', '2026-08-20', 0.41));
    const before = await forecasts.field(field, { asOfMs: AS_OF });
    // The scene before is held since (nothing later known yet): its NDVI is the peak.
    expect(before.features!.ndviPeak).toBe(0.41);
    const nowBefore = await forecasts.field(field);

    await registry.scenes.add(...scene('S2-after', '2026-09-05', 0.82));
    expect(await forecasts.field(field, { asOfMs: AS_OF })).toEqual(before);
    // Now, the later scene is seen: the test can tell.
    const nowAfter = await forecasts.field(field);
    expect(nowAfter.features!.ndviPeak).toBeGreaterThan(0.8);
    expect(nowAfter.yieldTHa).not.toEqual(nowBefore.yieldTHa);
  });

  it('does not use weather after the instant, later that day included', async () => {
    const { store } = stores;
    const before = await forecasts.field(field, { asOfMs: AS_OF });
    const nowBefore = await forecasts.field(field);
    // Rewrite every reading after the instant (same keys: the store overwrites) hot, wet and
    // at another pressure: the afternoon of the as-of day and every day after it.
    const later = weather(DAYS, { wet: true }).filter((r) => r.timeMs > AS_OF);
    expect(later.some((r) => r.timeMs < localMidnightMs(addDays(AS_OF_DAY, 1), EAT))).toBe(true);
    await store.write(later);
    expect(await forecasts.field(field, { asOfMs: AS_OF })).toEqual(before);
    const nowAfter = await forecasts.field(field);
    expect(nowAfter.features!.rainMm).toBeGreaterThan(nowBefore.features!.rainMm! + 100);
    expect(nowAfter.yieldTHa).not.toEqual(nowBefore.yieldTHa);
  });
});
