import { DAY_MS } from '@shamba/schemas';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '@shamba/agronomy';
import {
  FEATURE_NAMES,
  createModelStore,
  type CoopProduction,
  type FieldForecast,
} from '@shamba/analytics';
import {
  initTfBackend,
  forecastRows,
  trainYieldModel,
  type LabelledSeason,
} from '@shamba/analytics/models';
import type { Shamba } from '@shamba/cli';
import { BUILT_IN_SCENARIOS, simulateSeasons } from '@shamba/world';
import { fieldFixture } from '@shamba/schemas/testing';
import { COOP, seedCoop, seedStation, seedToken, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

const EAT = 180;
const SOWN_DAYS_AGO = 50;

// Forecasts over the API from stored readings, a scene's indices and the promoted model: the
// answer must be the promoted model's own output for the field's features, name its version,
// and add up per crop for the cooperative.
describe('yield forecasts over the API', () => {
  const dir = tempDir();
  let shamba: Shamba;
  let manager: string;
  let farmer: string;
  let version: string;
  const today = localDate(Date.now(), EAT);
  const sowing = addDays(today, -SOWN_DAYS_AGO);

  const get = async <T>(path: string, token = manager) => {
    const response = await fetch(`${shamba.api.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    shamba = await startShamba(dir.path);
    const { registry } = shamba;
    await seedCoop(registry);
    const fields = [
      fieldFixture({
        id: 'maize-1',
        coopId: COOP,
        farmerId: 'f',
        plantingDate: sowing,
        areaHa: 0.8,
        elevationM: 1640,
        nitrogenKgHa: 80,
      }),
      fieldFixture({
        id: 'maize-2',
        coopId: COOP,
        farmerId: 'f',
        plantingDate: sowing,
        areaHa: 1.2,
        elevationM: 1640,
      }),
      fieldFixture({
        id: 'teff-1',
        coopId: COOP,
        farmerId: 'f',
        crop: 'teff',
        plantingDate: sowing,
        areaHa: 0.5,
        elevationM: 1640,
        nitrogenKgHa: 40,
      }),
      // Sown long before the station was put up: the season cannot be followed from sowing.
      fieldFixture({
        id: 'maize-old',
        coopId: COOP,
        farmerId: 'f',
        plantingDate: '2026-01-10',
        areaHa: 1,
      }),
    ];
    for (const f of fields) await registry.fields.upsert(f);
    await seedStation(shamba, { from: sowing, days: SOWN_DAYS_AGO, id: 'wx-1' }, (d) => ({
      tMaxC: 27,
      tMinC: 13,
      rhMaxPct: 85,
      rhMinPct: 40,
      windMs: 2,
      solarMJ: 21,
      rainMm: d % 4 === 0 ? 9 : 0,
    }));
    // One scene 10 days ago: the maize fields green, the teff less so.
    const acquiredMs = Date.now() - 10 * DAY_MS;
    const ok = (mean: number) => ({
      status: 'ok' as const,
      validFraction: 1,
      pixelCount: 50,
      ndvi: { mean, sd: 0.02, p10: mean - 0.03, p50: mean, p90: mean + 0.03 },
    });
    await registry.scenes.add(
      {
        id: 'S2-test',
        ownerCoopId: null,
        acquiredMs,
        itemPath: 'x',
        cloudCoverPct: 0,
        processedMs: acquiredMs,
      },
      [
        {
          sceneId: 'S2-test',
          ownerCoopId: null,
          fieldId: 'maize-1',
          acquiredMs,
          indices: ok(0.72),
        },
        {
          sceneId: 'S2-test',
          ownerCoopId: null,
          fieldId: 'maize-2',
          acquiredMs,
          indices: ok(0.55),
        },
        { sceneId: 'S2-test', ownerCoopId: null, fieldId: 'teff-1', acquiredMs, indices: ok(0.5) },
      ],
    );
    manager = await seedToken(registry, {
      role: 'manager',
      coopId: COOP,
      farmerId: null,
      name: 'M',
    });
    farmer = await seedToken(registry, {
      role: 'farmer',
      coopId: COOP,
      farmerId: 'f',
      name: 'A',
    });
  });
  afterAll(async () => {
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  it('says so when no model is promoted', async () => {
    const { status, body } = await get<FieldForecast>('/v1/fields/maize-1/forecast');
    expect(status).toBe(200);
    expect([body.status, body.versions.model, body.yieldTHa]).toEqual(['no-model', null, null]);
    // The physics baseline does not need a model.
    expect(body.fao33!.etaOverEtc).toBeGreaterThan(0);
  });

  it("serves the promoted model's P10/P50/P90 for the field's features, naming the version", async () => {
    await initTfBackend();
    const seasons: LabelledSeason[] = simulateSeasons({
      base: BUILT_IN_SCENARIOS['oromia-drought']!,
      count: 10,
      seed: 3,
    }).map((s) => ({ ...s, id: `${s.seed}/${s.fieldId}`, group: String(s.seed) }));
    const { model, meta } = await trainYieldModel(seasons, {
      seed: 3,
      epochs: 30,
      hiddenUnits: 8,
      learningRate: 0.02,
      batchSize: 32,
      heldOutShare: 0.2,
    });
    const models = createModelStore({ dir: join(dir.path, 'models') });
    version = await models.save('yield', model, meta);
    await models.promote('yield', version);

    const { body } = await get<FieldForecast>('/v1/fields/maize-1/forecast');
    expect(body.status).toBe('ok');
    expect(body.versions).toEqual({ model: version, waterBalance: 'fao56-water-balance@1.0.0' });
    expect(body.daysSinceSowing).toBe(SOWN_DAYS_AGO);
    expect(body.features!.seasonFraction).toBeCloseTo(SOWN_DAYS_AGO / 180, 3);
    expect(body.features!.nitrogenKgHa).toBe(80);
    expect(body.features!.ndviPeak).toBeCloseTo(0.72, 3);
    const y = body.yieldTHa!;
    expect(y.p10).toBeLessThanOrEqual(y.p50);
    expect(y.p50).toBeLessThanOrEqual(y.p90);
    // The very numbers the saved model gives for these features, here in the test's thread.
    const [expected] = forecastRows({ model, normalization: meta.normalization }, [
      FEATURE_NAMES.map((n) => body.features![n]!),
    ]);
    expect(y.p50).toBeCloseTo(expected!.p50THa, 1);
    expect(body.productionT!.p50).toBeCloseTo(y.p50 * 0.8, 1);
    model.dispose();

    // A field without recorded N gets the training mean, and says so.
    const other = (await get<FieldForecast>('/v1/fields/maize-2/forecast')).body;
    expect(other.assumed.join()).toMatch(/nitrogen \d+ kg N\/ha \(the training data's mean\)/);
  });

  it("adds the fields up by crop for the cooperative's manager, not for a farmer", async () => {
    const { status, body } = await get<CoopProduction>(`/v1/coops/${COOP}/production`);
    expect(status).toBe(200);
    expect(body.modelVersion).toBe(version);
    const fields = await Promise.all(
      ['maize-1', 'maize-2', 'teff-1'].map(
        async (id) => (await get<FieldForecast>(`/v1/fields/${id}/forecast`)).body,
      ),
    );
    const maize = body.crops.find((c) => c.crop === 'maize')!;
    expect(maize).toMatchObject({ fields: 3, forecastFields: 2, areaHa: 2 });
    expect(maize.productionT.p50).toBeCloseTo(
      fields[0]!.productionT!.p50 + fields[1]!.productionT!.p50,
      1,
    );
    expect(maize.productionT.p10).toBeLessThanOrEqual(maize.productionT.p50);
    expect(maize.productionT.p90).toBeGreaterThanOrEqual(maize.productionT.p50);
    expect(body.crops.find((c) => c.crop === 'teff')!.productionT.p50).toBeCloseTo(
      fields[2]!.productionT!.p50,
      2,
    );
    expect(body.withoutForecast).toEqual([
      {
        fieldId: 'maize-old',
        crop: 'maize',
        reason: 'the season began before the balance can reach',
      },
    ]);
    expect((await get(`/v1/coops/${COOP}/production`, farmer)).status).toBe(403);

    // The season's features as a yield-history CSV: yields filled in at harvest, it goes back.
    const exported = await fetch(
      `${shamba.api.url}/v1/coops/${COOP}/season-features.csv?season=2026-meher`,
      { headers: { authorization: `Bearer ${manager}` } },
    );
    const lines = (await exported.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0,sowing_date',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      '2026-meher,maize-1,maize,',
      '2026-meher,maize-2,maize,',
      '2026-meher,teff-1,teff,',
    ]);
    const harvested = [
      lines[0],
      ...lines.slice(1).map((l) => l.replace(/^([^,]*,[^,]*,[^,]*,)/, '$13.1')),
    ];
    const upload = (rows: readonly (string | undefined)[]) =>
      fetch(`${shamba.api.url}/v1/coops/${COOP}/yield-history`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manager}`, 'content-type': 'text/csv' },
        body: rows.join('\n'),
      });
    // Filled in mid-season, with the sowing dates the export gives: no crop is harvested yet.
    const early = await upload(harvested);
    const refusal = ((await early.json()) as { detail: string }).detail;
    const named = refusal
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/ sown .*/, ''));
    expect([early.status, named]).toEqual([
      400,
      ['line 2, sowing_date: maize', 'line 3, sowing_date: maize', 'line 4, sowing_date: teff'],
    ]);
    expect(refusal).toMatch(/is not harvested before \d{4}-\d{2}-\d{2}: no yield yet/);
    // Without the sowing dates (rain over ET0 is in the export), the rows go back.
    const back = await upload([
      harvested[0]!,
      ...harvested.slice(1).map((l) => l!.replace(/,[^,]*$/, ',')),
    ]);
    expect([back.status, ((await back.json()) as { stored: number }).stored]).toEqual([201, 3]);
    expect((await get('/v1/coops/other-coop/production')).status).toBe(404);
  });

  it('answers 304 to a client holding a forecast that says the same (a weak ETag)', async () => {
    const headers = { authorization: `Bearer ${manager}` };
    for (const path of ['/v1/fields/maize-1/forecast', `/v1/coops/${COOP}/production`]) {
      const first = await fetch(`${shamba.api.url}${path}`, { headers });
      const etag = first.headers.get('etag');
      expect([path, first.status, etag]).toEqual([
        path,
        200,
        expect.stringMatching(/^W\/"[\w-]{43}"$/),
      ]);
      await first.arrayBuffer();
      // Asked again a moment later: another `asOfMs`, the same forecast.
      const again = await fetch(`${shamba.api.url}${path}`, {
        headers: { ...headers, 'if-none-match': etag! },
      });
      expect([path, again.status, again.headers.get('etag'), await again.text()]).toEqual([
        path,
        304,
        etag,
        '',
      ]);
    }
  });
});
