import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dailyEt0 } from '@shamba/agronomy';
import { isShambaError } from '@shamba/schemas';
import {
  FAO56_EXAMPLE_17,
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { CROP_PARAMETERS } from '@shamba/agronomy';
import { MAX_COMPUTED_ROWS, MAX_WEATHER_READS } from './history-rain-over-et0.js';
import { checkYieldHistory } from './yield-history-checks.js';
import { PLAUSIBLE_YIELDS } from './plausible-yields.js';
import { readYieldHistoryCsv } from './yield-history.js';

const EAT = 180; // Africa/Addis_Ababa
const HEADER =
  'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0,sowing_date';
/** A good row of field-1 (maize) but for what a test changes. */
const line = (cells: Partial<Record<string, string>> = {}) =>
  HEADER.split(',')
    .map(
      (k) =>
        cells[k] ??
        {
          season: '2025-meher',
          field_id: 'field-1',
          crop: 'maize',
          yield_t_ha: '4.2',
          nitrogen_kg_ha: '60',
          taw_mm: '78',
          rain_mm: '420',
          gdd_per_day: '12',
          eta_over_etc: '0.8',
          ndvi_peak: '0.8',
          ndvi_integral: '0.4',
          rain_over_et0: '0.9',
          sowing_date: '',
        }[k],
    )
    .join(',');
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n');

// FAO-56 Example 17's day (Brussels, 6 July; ET0 3.9 mm/day) as the station reports it, with
// 3.2 mm of rain: a teff field at Example 17's latitude and elevation, sown that day.
const ex17 = FAO56_EXAMPLE_17;
const ex17Rs = dailyEt0({ ...ex17, timestep: 'daily', kRs: 0.16, soilHeatFluxMJ: 0 }).rsMJ;
// FAO-56 eq. 47: wind at 2 m from the 10 m anemometer.
const ex17Wind2m = (ex17.windSpeedMs * 4.87) / Math.log(67.8 * ex17.windHeightM - 5.42);
const ex17Day = {
  tMaxC: ex17.tMaxC,
  tMinC: ex17.tMinC,
  rhMaxPct: ex17.rhMaxPct,
  rhMinPct: ex17.rhMinPct,
  windMs: ex17Wind2m,
  solarMJ: ex17Rs,
  rainMm: 3.2,
};
const SOWN = '2026-07-06';
const TEFF_DAYS = 110; // FAO-56 Table 11 stages as the crop table assumes them: 20+30+35+25
const brussels = (lat: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [4.35, lat],
      [4.351, lat],
      [4.351, lat + 0.0005],
      [4.35, lat],
    ] as [number, number][],
  ],
});

describe('yield history, checked row by row', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  const clock = () => Date.parse('2027-02-01T09:00:00Z');
  const check = (text: string, through: TimeSeriesStore = store) =>
    checkYieldHistory({
      coopId: 'coop-a',
      rows: readYieldHistoryCsv(text),
      registry,
      store: through,
      clock,
    });
  /** The store, counting the queries made through it. */
  const counting = () => {
    let queries = 0;
    const through: TimeSeriesStore = {
      ...store,
      query: (...args) => {
        queries++;
        return store.query(...args);
      },
    };
    return { store: through, count: () => queries };
  };
  const refusal = async (text: string, through: TimeSeriesStore = store) => {
    const error = await check(text, through).then(
      () => null,
      (e: unknown) => e,
    );
    if (!isShambaError(error, 'INVALID_REQUEST')) throw new Error(`not refused: ${String(error)}`);
    return error.message;
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-history-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(coopFixture({ id: 'coop-b' }));
    await registry.fields.upsert(fieldFixture());
    // Another cooperative's field: as unknown to coop A as a field that does not exist.
    await registry.fields.upsert(fieldFixture({ id: 'field-b', coopId: 'coop-b' }));
    await registry.fields.upsert(
      fieldFixture({
        id: 'teff-1',
        crop: 'teff',
        boundary: brussels(ex17.latitudeDeg - 0.00025),
        elevationM: ex17.elevationM,
      }),
    );
    await registry.devices.upsert(weatherStationFixture({ fieldId: 'teff-1' }));
    const dates = Array.from({ length: TEFF_DAYS }, (_, i) => addDays(SOWN, i));
    await store.write(
      stationReadings(dates, { coopId: 'coop-a', utcOffsetMinutes: EAT, weather: () => ex17Day }),
    );
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('refuses maize at 45 t/ha, an unknown crop, unknown and foreign fields, future seasons: each by line and column, nothing returned', async () => {
    const message = await refusal(
      csv(
        line(),
        line({ field_id: 'field-1', season: '2024-meher', yield_t_ha: '45' }),
        line({ season: '2023-meher', crop: 'quinoa' }),
        line({ season: '2022-meher', field_id: 'field-9' }),
        line({ season: '2022-meher', field_id: 'field-b' }),
        line({ season: '2028-meher' }),
        line({ season: '2026-meher', sowing_date: '2027-03-01' }),
        line({ season: '2026-belg', sowing_date: '2026-12-01' }),
        line(),
      ),
    );
    expect(message.split('\n')).toEqual([
      '8 problems in 9 rows; nothing was stored:',
      `line 3, yield_t_ha: 45 t/ha of maize is above the most ever recorded, 40 t/ha (${PLAUSIBLE_YIELDS.maize!.source}); a unit slip?`,
      expect.stringMatching(/^line 4, crop: unknown crop quinoa \(known: beans, coffee, .*\)$/),
      'line 5, field_id: no field field-9 in this cooperative',
      'line 6, field_id: no field field-b in this cooperative',
      'line 7, season: 2028-meher is in the future (this is 2027)',
      'line 8, sowing_date: 2027-03-01 is in the future (today is 2027-02-01)',
      // 3/4 of maize's 180 nominal days after sowing: the earliest an early variety is harvested.
      `line 9, sowing_date: maize sown 2026-12-01 is not harvested before ${addDays('2026-12-01', 135)}: no yield yet`,
      'line 10, season: 2025-meher of field field-1 is already on line 2',
    ]);
  });

  it("computes a row's missing rain over ET0 from the field's station: FAO-56 Example 17's days", async () => {
    const [row] = await check(
      csv(
        line({
          field_id: 'teff-1',
          crop: 'teff',
          season: '2026-meher',
          yield_t_ha: '1.9',
          rain_over_et0: '',
          sowing_date: SOWN,
        }),
      ),
    );
    // By hand: each day's ET0 from the book's inputs (FAO-56 eq. 6, Rs as the station measured
    // it); the first is Example 17 itself, 3.9 mm.
    const et0 = Array.from({ length: TEFF_DAYS }, (_, i) => {
      const date = new Date(Date.parse(`${SOWN}T00:00:00Z`) + i * 86_400_000);
      const dayOfYear = Math.round((date.getTime() - Date.UTC(2026, 0, 0)) / 86_400_000);
      const { sunshineHours: _sunshine, ...book } = ex17;
      return dailyEt0({
        ...book,
        timestep: 'daily',
        dayOfYear,
        windSpeedMs: ex17Wind2m,
        windHeightM: 2,
        solarRadiationMJ: ex17Rs,
        kRs: 0.16,
        soilHeatFluxMJ: 0,
      }).et0Mm;
    });
    expect(Math.round(et0[0]! * 10) / 10).toBe(3.9);
    const byHand = (3.2 * TEFF_DAYS) / et0.reduce((a, b) => a + b, 0);
    expect(row!.rain_over_et0).toBeCloseTo(byHand, 3);
    expect(row).toMatchObject({ field_id: 'teff-1', sowing_date: SOWN, yield_t_ha: 1.9 });
  });

  it('refuses a row that lacks rain over ET0 when it cannot be computed, saying why', async () => {
    const teffRow = (sowingDate: string, season = '2026-meher') =>
      line({
        field_id: 'teff-1',
        crop: 'teff',
        season,
        rain_over_et0: '',
        sowing_date: sowingDate,
      });
    // Neither the ratio nor a sowing date: refused by the cheap checks, no weather read.
    const queried = counting();
    expect(
      (await refusal(csv(line({ rain_over_et0: '' }), teffRow(SOWN)), queried.store)).split('\n'),
    ).toEqual([
      '1 problem in 2 rows; nothing was stored:',
      "line 2, rain_over_et0: missing; give it, or sowing_date to compute it from the field's stored station weather",
    ]);
    expect(queried.count()).toBe(0);
    const message = await refusal(
      csv(
        // The station's record starts 30 days into this season: 80 of 110 days.
        teffRow(addDays(SOWN, -30)),
        // field-1 has no station of its own and the cooperative none off-field: teff-1's is not its.
        line({ season: '2024-meher', rain_over_et0: '', sowing_date: '2024-06-15' }),
      ),
    );
    expect(message.split('\n')).toEqual([
      '2 problems in 2 rows; nothing was stored:',
      "line 2, rain_over_et0: missing, and the station has 80 complete days of the season's 110 from 2026-06-06 (at least 88 needed)",
      expect.stringMatching(/^line 3, rain_over_et0: missing, and the station has 0 complete days/),
    ]);
  });

  it("reads a station's weather once for the rows sown within a year of each other", async () => {
    const queried = counting();
    const rows = await check(
      csv(
        ...['a', 'b', 'c'].map((plot) =>
          line({
            field_id: 'teff-1',
            crop: 'teff',
            season: `2026-${plot}`,
            yield_t_ha: '1.9',
            rain_over_et0: '',
            sowing_date: SOWN,
          }),
        ),
      ),
      queried.store,
    );
    expect(queried.count()).toBe(1);
    const [first] = await check(
      csv(
        line({
          field_id: 'teff-1',
          crop: 'teff',
          season: '2026-meher',
          yield_t_ha: '1.9',
          rain_over_et0: '',
          sowing_date: SOWN,
        }),
      ),
    );
    expect(rows.map((r) => r.rain_over_et0)).toEqual([0, 1, 2].map(() => first!.rain_over_et0));
  });

  it('refuses before reading any weather an upload that leaves too much to compute', async () => {
    const toCompute = (season: string, sowingDate: string) =>
      line({
        field_id: 'teff-1',
        crop: 'teff',
        season,
        rain_over_et0: '',
        sowing_date: sowingDate,
      });
    const queried = counting();
    // One row more than the cap, all the same station and sowing: refused by the count alone.
    const many = Array.from({ length: MAX_COMPUTED_ROWS + 1 }, (_, i) =>
      toCompute(`2026-plot-${i}`, SOWN),
    );
    const rows = await refusal(csv(...many), queried.store);
    expect(rows).toBe(
      `${MAX_COMPUTED_ROWS + 1} rows lack rain_over_et0, and computing it from the stations' weather would take ${MAX_COMPUTED_ROWS + 1} rows; ` +
        `an upload may leave it to compute for at most ${MAX_COMPUTED_ROWS} rows over ${MAX_WEATHER_READS} station-years: split the upload, or give rain_over_et0 in the CSV`,
    );
    // Few rows, but each a year of its own: too many weather reads.
    const years = Array.from({ length: MAX_WEATHER_READS + 1 }, (_, i) => 2026 - i);
    const spread = await refusal(
      csv(...years.map((y) => toCompute(`${y}-meher`, `${y}-06-01`))),
      queried.store,
    );
    expect(spread).toMatch(
      new RegExp(
        `^${MAX_WEATHER_READS + 1} rows lack rain_over_et0, and computing it from the stations' weather would take ${MAX_WEATHER_READS + 1} station-years of weather \\(at most ${MAX_WEATHER_READS}\\); .*split the upload, or give rain_over_et0 in the CSV$`,
      ),
    );
    expect(queried.count()).toBe(0);
  });

  it('names each bad cell by its line (blank lines counted) and caps the list', () => {
    const refused = (text: string) => {
      try {
        readYieldHistoryCsv(text);
      } catch (error) {
        if (isShambaError(error, 'INVALID_REQUEST')) return error.message.split('\n');
      }
      throw new Error('not refused');
    };
    expect(
      refused(`${HEADER}\n\n${line({ yield_t_ha: '' })}\n${line({ rain_mm: 'Infinity' })}`),
    ).toEqual([
      '2 problems in 2 rows; nothing was stored:',
      'line 3, yield_t_ha: required',
      'line 4, rain_mm: not a finite number (Infinity)',
    ]);
    const many = refused(csv(...Array.from({ length: 30 }, () => line({ crop: 'Maize' }))));
    expect([many.length, many[0], many.at(-1)]).toEqual([
      22,
      '30 problems in 30 rows; nothing was stored:',
      '... and 10 more',
    ]);
  });

  it('knows a plausible ceiling for every crop of the agronomy table', () => {
    expect(Object.keys(PLAUSIBLE_YIELDS).sort()).toEqual(Object.keys(CROP_PARAMETERS).sort());
    for (const [crop, p] of Object.entries(PLAUSIBLE_YIELDS))
      expect(p.maxTHa, crop).toBeGreaterThan(CROP_PARAMETERS[crop]!.attainableYieldTHa);
  });
});
