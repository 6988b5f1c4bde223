import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localMidnightMs } from '@shamba/agronomy';
import {
  FEATURE_NAMES,
  createForecastService,
  createModelStore,
  createWorkerPool,
  type FieldForecast,
  type ForecastService,
  type WorkerPool,
} from '@shamba/analytics';
import { buildQuantileModel, forecastRows, initTfBackend, tf } from '@shamba/analytics/models';
import type { Principal } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  dashboardApp,
  pageRequests,
  signInUsers,
  type PageRequests,
  type SignedIn,
} from '../testing/signed-in.js';
import { FORECAST_CSV_COLUMNS } from './forecast/forecast-csv.js';
import type { SeasonPoint } from './forecast/season-points.js';

const NOW = Date.parse('2026-09-15T09:00:00Z'); // 12:00 in Addis Ababa (UTC+3)
const TODAY = '2026-09-15';
const SOWING = '2026-08-01';
const SEASON_DAYS = 45; // sowing to yesterday, every day recorded by the station
/** A name a spreadsheet would run as a formula, were it not defused. */
const FORMULA_NAME = '=HYPERLINK("http://x","y")';

// The forecast page and its CSV against the real app, a real ForecastService (the worker pool
// in this thread) and a real promoted TF.js model: the numbers shown must be the service's own,
// the sowing point the model's output for what was known at sowing, and tenancy as in the API.
describe('the forecast page', () => {
  let stores: TempStores;
  let pool: WorkerPool;
  let forecasts: ForecastService;
  /** Past weeks forecast by the page (`at` calls), to see a reload compute none again. */
  let passes = 0;
  let signedIn: SignedIn;
  let pages: PageRequests;
  let model: tf.LayersModel;
  const normalization = {
    // Means and spreads of the features in FEATURE_NAMES order (season fraction ... crop flags).
    mean: [0.5, 0.3, 0.6, 10, 0.8, 300, 0.8, 60, 80, 0.2, 0.2, 0.2, 0.2, 0.2, 0],
    std: [0.3, 0.2, 0.2, 3, 0.2, 150, 0.4, 30, 30, 0.4, 0.4, 0.4, 0.4, 0.4, 1],
  };

  const page = async (path: string, who: string, on = pages) => {
    const response = await on.get(who, path);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  beforeAll(async () => {
    stores = await openTempStores('shamba-forecast-page-');
    const { registry, store } = stores;
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
    const field = (id: string, more: Parameters<typeof fieldFixture>[0]) =>
      registry.fields.upsert(fieldFixture({ id, plantingDate: SOWING, elevationM: 1640, ...more }));
    await field('maize-1', { name: FORMULA_NAME, areaHa: 0.8, nitrogenKgHa: 80 });
    await field('maize-2', { name: 'Upper maize', farmerId: 'farmer-2', areaHa: 1.2 });
    await field('teff-1', { name: 'Teff plot', crop: 'teff', areaHa: 0.5, nitrogenKgHa: 40 });
    // Sown before the station's record: the season cannot be followed, and the page says why.
    await field('maize-old', { name: 'Old maize', plantingDate: '2026-01-10' });
    await field('field-b', { name: 'B maize', coopId: 'coop-b', farmerId: 'farmer-b' });
    await registry.devices.upsert(weatherStationFixture({ id: 'wx-1', coopId: 'coop-a' }));
    const dates = Array.from({ length: SEASON_DAYS }, (_, d) => addDays(SOWING, d));
    await store.write(
      stationReadings(dates, {
        coopId: 'coop-a',
        utcOffsetMinutes: 180,
        weather: (d) => ({
          tMaxC: 27,
          tMinC: 13,
          rhMaxPct: 85,
          rhMinPct: 40,
          windMs: 2,
          solarMJ: 21,
          rainMm: d % 4 === 0 ? 9 : 0,
        }),
      }),
    );
    // A real network, its output layer's bias set so that P50 sits near 3 t/ha.
    await initTfBackend();
    model = buildQuantileModel({ inputs: FEATURE_NAMES.length, hiddenUnits: 6, seed: 7 });
    const out = model.layers[2]!;
    out.setWeights([out.getWeights()[0]!, tf.tensor1d([3, 0.2, 0.4])]);
    const modelsDir = join(stores.dir, 'models');
    const shared = createModelStore({ dir: modelsDir, clock: () => NOW });
    const version = await shared.save('yield', model, {
      features: [...FEATURE_NAMES],
      normalization,
      evaluation: { model: { rmseTHa: 0.5 }, fao33: { rmseTHa: 0.7 } },
    });
    await shared.promote('yield', version);

    pool = await createWorkerPool({ size: 0 });
    forecasts = createForecastService({ registry, store, pool, modelsDir, clock: () => NOW });
    const users: Record<string, Principal> = {
      'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'manager-a' },
      'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'manager-b' },
      'farmer-1': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'farmer-1' },
      'technician-a': {
        role: 'technician',
        coopId: 'coop-a',
        farmerId: null,
        name: 'technician-a',
      },
      admin: { role: 'admin', coopId: null, farmerId: null, name: 'admin' },
    };
    signedIn = await signInUsers(registry, users, { clock: () => NOW });
    // The real service, its passes over past weeks counted.
    const counted: ForecastService = {
      ...forecasts,
      at: (requests) => {
        passes++;
        return forecasts.at(requests);
      },
    };
    const app = await dashboardApp({
      registry,
      store,
      forecasts: counted,
      clock: () => NOW,
      sessions: signedIn.sessions,
      // Unexpected errors (a 500) print with their stack.
      logger: pino({ level: 'error' }),
    });
    pages = pageRequests(app, signedIn);
  }, 120_000);
  afterAll(async () => {
    model?.dispose();
    await pool?.close();
    await stores?.close();
  });

  it("shows each field's forecast, the service's own numbers, and the crops' totals", async () => {
    const { status, text } = await page('/forecast', 'manager-a');
    expect(status).toBe(200);
    const expected = await forecasts.fields('coop-a');
    const byId = new Map(expected.map((f) => [f.fieldId, f]));
    const maize1 = byId.get('maize-1')!;
    expect([maize1.status, maize1.basis, maize1.daysSinceSowing]).toEqual([
      'ok',
      'season-to-date',
      SEASON_DAYS,
    ]);
    const two = (v: number | undefined) =>
      v === undefined ? '' : String(Math.round(v * 100) / 100);
    for (const id of ['maize-1', 'maize-2', 'teff-1']) {
      const f = byId.get(id)!;
      expect(rowCells(text, 'forecast-fields', id).slice(3, 10)).toEqual(
        [
          f.yieldTHa?.p10,
          f.yieldTHa?.p50,
          f.yieldTHa?.p90,
          f.fao33?.yieldTHa,
          f.productionT?.p10,
          f.productionT?.p50,
          f.productionT?.p90,
        ].map(two),
      );
    }
    expect(rowCells(text, 'forecast-fields', 'maize-old').at(-1)).toBe(
      'cannot be followed: the season began before the balance can reach',
    );
    // Another cooperative's field is not on the page.
    expect(text).not.toContain('field-b');
    // The totals are the service's own (`coop()`), to the hundredth of a tonne.
    const production = await forecasts.coop('coop-a');
    const maize = production.crops.find((c) => c.crop === 'maize')!;
    expect(maize).toMatchObject({ fields: 3, forecastFields: 2, areaHa: 2 });
    expect(rowCells(text, 'forecast-crops', 'maize', 'data-crop')).toEqual(
      [
        'maize',
        '3',
        '2',
        '2',
        maize.productionT.p10,
        maize.productionT.p50,
        maize.productionT.p90,
        maize.fao33T,
      ].map(String),
    );
    expect(maize.productionT.p50).toBeCloseTo(
      byId.get('maize-1')!.productionT!.p50 + byId.get('maize-2')!.productionT!.p50,
      1,
    );
    // The charts' data, for the script, carries the same totals.
    const data = pageData(text) as { crops: { crop: string; p50: number }[] };
    expect(data.crops.map((c) => [c.crop, c.p50])).toEqual(
      production.crops.map((c) => [c.crop, c.productionT.p50]),
    );
    expect(text).toContain('<figure class="chart" id="production-chart">');
    expect(text).toContain('<figure class="chart" id="season-chart">');
  });

  it('draws the season weekly from sowing (the model on what was known then) to today', async () => {
    type Data = {
      seasonComputing: number;
      fields: { id: string; harvestDate: string; season: SeasonPoint[] }[];
    };
    // Past weeks not done within the page's wait go on in the background: reload until all are.
    let text = '';
    let data: Data | undefined;
    for (let attempt = 0; attempt < 60 && data?.seasonComputing !== 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      text = (await page('/forecast', 'manager-a')).text;
      data = pageData(text) as Data;
    }
    expect(data!.seasonComputing).toBe(0);
    const maize1 = data!.fields.find((f) => f.id === 'maize-1')!;
    const now = (await forecasts.fields('coop-a')).find((f) => f.fieldId === 'maize-1')!;
    // Sown 45 days ago: sowing, every week since (as of that morning), and today.
    const weeks = [0, 7, 14, 21, 28, 35, 42].map((d) => addDays(SOWING, d));
    expect(maize1.season.map((p) => [p.date, p.known])).toEqual([
      [SOWING, 'at-sowing'],
      ...weeks.slice(1).map((d) => [d, 'season-to-date']),
      [TODAY, 'season-to-date'],
    ]);
    // Every point of every field (three seasons of 8) is a band: P10 <= P50 <= P90.
    const bands = data!.fields.flatMap((f) => f.season.map((p) => [p.p10!, p.p50!, p.p90!]));
    expect(bands.filter(([p10, p50, p90]) => !(p10! <= p50! && p50! <= p90!))).toEqual([]);
    expect(bands).toHaveLength(3 * 8);
    // At sowing the model knew the crop, the soil (TAW (0.25 - 0.12) x 0.6 m = 78 mm) and N.
    const atSowing = FEATURE_NAMES.map(
      (n) => ({ nitrogenKgHa: 80, tawMm: 78, etaOverEtc: 1, 'crop:maize': 1 })[n] ?? 0,
    );
    const [sown] = forecastRows({ model, normalization }, [atSowing]);
    const r = (v: number) => Math.round(v * 100) / 100;
    expect(maize1.season[0]).toEqual({
      date: SOWING,
      known: 'at-sowing',
      p10: r(sown!.p10THa),
      p50: r(sown!.p50THa),
      p90: r(sown!.p90THa),
      fao33THa: now.fao33!.ymTHa, // FAO-33 with no stress known yet: Ym
    });
    // A week's point is the service's forecast as of that morning in Addis Ababa (UTC+3).
    const field = (await stores.registry.fields.get('maize-1'))!;
    const week3 = await forecasts.field(field, { asOfMs: localMidnightMs(weeks[3]!, 180) });
    expect(week3.daysSinceSowing).toBe(21);
    const point = (f: FieldForecast, date: string) => ({
      date,
      known: f.basis,
      ...f.yieldTHa!,
      fao33THa: f.fao33!.yieldTHa,
    });
    expect(maize1.season[3]).toEqual(point(week3, weeks[3]!));
    expect(maize1.season.at(-1)).toEqual(point(now, TODAY));
    expect(maize1.harvestDate).toBe(addDays(SOWING, now.seasonLengthDays));
    // The fallback table lists the same points.
    expect(
      [...text.matchAll(/<tr data-field="maize-1" data-date="([^"]+)"/g)].map((m) => m[1]),
    ).toEqual([...weeks, TODAY]);
    // Never followed from sowing: no season to draw.
    expect(data!.fields.find((f) => f.id === 'maize-old')!.season).toEqual([]);

    // A reload computes no past week again, and draws the same season.
    const before = passes;
    expect(before).toBeGreaterThan(0);
    const again = pageData((await page('/forecast', 'manager-a')).text) as Data;
    expect(passes).toBe(before);
    expect(again.fields.find((f) => f.id === 'maize-1')!.season).toEqual(maize1.season);
  });

  it('downloads the forecasts as CSV, a row per field then per crop, formulas defused', async () => {
    const { status, headers, text } = await page('/forecast.csv', 'manager-a');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(headers.get('content-disposition')).toBe(
      `attachment; filename="forecast-coop-a-${TODAY}.csv"`,
    );
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(FORECAST_CSV_COLUMNS.join(','));
    const fields = await forecasts.fields('coop-a');
    const f = fields.find((x) => x.fieldId === 'maize-1')!;
    const y = f.yieldTHa!;
    const t = f.productionT!;
    const version = f.versions.model!;
    expect(lines).toContain(
      `field,maize-1,"'=HYPERLINK(""http://x"",""y"")",maize,0.8,${y.p10},${y.p50},${y.p90},` +
        `${t.p10},${t.p50},${t.p90},${f.fao33!.yieldTHa},${f.fao33!.productionT},ok,${TODAY},${version}`,
    );
    expect(lines).toContain(
      `field,maize-old,Old maize,maize,1,,,,,,,,,insufficient-data,${TODAY},${version}`,
    );
    const production = await forecasts.coop('coop-a');
    const lastRows = production.crops.map(
      (c) =>
        `crop-total,,,${c.crop},${c.areaHa},,,,${c.productionT.p10},${c.productionT.p50},` +
        `${c.productionT.p90},,${c.fao33T},${c.forecastFields}/${c.fields} fields,${TODAY},${version}`,
    );
    expect(lines.slice(-2)).toEqual(lastRows);
    expect(lines).toHaveLength(1 + 4 + 2);
  });

  it("keeps to the principal's tenancy: another cooperative's is not there, a farmer sees their own", async () => {
    for (const path of ['/forecast?coop=coop-a', '/forecast.csv?coop=coop-a'])
      expect((await page(path, 'manager-b')).status).toBe(404);
    const b = await page('/forecast', 'manager-b');
    expect(b.text).toContain('data-field="field-b"');
    expect(b.text).not.toContain('maize-1');

    const farmer = await page('/forecast', 'farmer-1');
    expect(farmer.status).toBe(200);
    const shown = [...farmer.text.matchAll(/<tr data-field="([^"]+)"/g)].map((m) => m[1]);
    expect([...new Set(shown)].sort()).toEqual(['maize-1', 'maize-old', 'teff-1']);
    const csv = (await page('/forecast.csv', 'farmer-1')).text.split('\r\n');
    expect(csv.filter((l) => l.startsWith('field,')).map((l) => l.split(',')[1])).toEqual([
      'maize-1',
      'maize-old',
      'teff-1',
    ]);
    // The farmer's maize total is their own field's alone.
    const own: FieldForecast = await forecasts.field(
      (await stores.registry.fields.get('maize-1'))!,
    );
    expect(csv.find((l) => l.startsWith('crop-total,,,maize,'))?.split(',')[9]).toBe(
      String(own.productionT!.p50),
    );
    expect((await page('/forecast?coop=coop-b', 'farmer-1')).status).toBe(404);
    expect((await page('/forecast', 'technician-a')).status).toBe(403);

    // An admin picks the cooperative.
    const admin = await page('/forecast?coop=coop-b', 'admin');
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('data-field="field-b"');
    expect((await page('/forecast?coop=nowhere', 'admin')).status).toBe(404);
  });

  it('says so when forecasts are not running, after the same tenancy check', async () => {
    const bare = pageRequests(
      await dashboardApp({
        registry: stores.registry,
        store: stores.store,
        clock: () => NOW,
        sessions: signedIn.sessions,
      }),
      signedIn,
    );
    const off = await page('/forecast', 'manager-a', bare);
    expect(off.status).toBe(200);
    expect(off.text).toMatch(/id="forecast-off"[^>]*>Forecasts are not running on this box/);
    expect((await page('/forecast.csv', 'manager-a', bare)).status).toBe(404);
    expect((await page('/forecast?coop=coop-a', 'manager-b', bare)).status).toBe(404);
  });
});

/** The text of each cell of the row `key` in the table of class `table`. */
function rowCells(html: string, table: string, key: string, attr = 'data-field'): string[] {
  const body = new RegExp(`<table class="${table}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const row = new RegExp(`<tr ${attr}="${key}"[^>]*>([\\s\\S]*?)</tr>`).exec(body)?.[1] ?? '';
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .trim(),
  );
}

function pageData(html: string): unknown {
  const json = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(json?.[1] ?? 'null');
}
