import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '@shamba/agronomy';
import type { CoopProduction, FieldForecast } from '@shamba/analytics';
import { DAY_MS } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { OROMIA_DEMO } from '@shamba/world';
import { ensureYieldModel, seedScenario, type Shamba } from '@shamba/cli';
import { COOP, seedCoop, seedToken, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

const EAT = 180;

// Issue 15: on the README's demo every field said `insufficient-data` (the station's record
// starts when the demo does, weeks after sowing) and the cooperative's production was 0 t.
// A forecast from day one: what was known at sowing, with the model's widest band.
describe('yield forecasts from day one', () => {
  const dir = tempDir();
  let shamba: Shamba;
  let version: string;
  const demoCoop = OROMIA_DEMO.coop.id;

  const get = async <T>(path: string, token: string) => {
    const response = await fetch(`${shamba.api.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  beforeAll(async () => {
    shamba = await startShamba(dir.path, { workers: 1 });
    await seedCoop(shamba.registry);
    // Sown today, no reading yet.
    await shamba.registry.fields.upsert(
      fieldFixture({
        id: 'sown-today',
        coopId: COOP,
        farmerId: 'f',
        plantingDate: localDate(Date.now(), EAT),
        areaHa: 1,
        elevationM: 1640,
      }),
    );
  }, 60_000);
  afterAll(async () => {
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  it(
    "the demo's cooperative, the moment it starts: every field forecast, production by crop above zero",
    { timeout: 120_000 },
    async () => {
      // As `shamba start --demo` does: seeded two days back, before any reading arrives.
      const credentials = await seedScenario(shamba.registry, OROMIA_DEMO, {
        atMs: Date.now() - 2 * DAY_MS,
      });
      version = await ensureYieldModel({
        registry: shamba.registry,
        pool: shamba.pool,
        dataDir: dir.path,
        coopId: demoCoop,
      });
      const manager = credentials.tokens.manager;
      const { status, body } = await get<CoopProduction>(
        `/v1/coops/${demoCoop}/production`,
        manager,
      );
      expect(status).toBe(200);
      expect(body.modelVersion).toBe(version);
      expect(body.withoutForecast).toEqual([]);
      expect(body.crops.map((c) => c.crop)).toEqual(['maize', 'teff']);
      for (const crop of body.crops) {
        expect(crop.forecastFields, crop.crop).toBe(crop.fields);
        expect(crop.productionT.p10, crop.crop).toBeLessThan(crop.productionT.p50);
        expect(crop.productionT.p50, crop.crop).toBeGreaterThan(0);
        expect(crop.productionT.p90, crop.crop).toBeGreaterThan(crop.productionT.p50);
      }
      for (const spec of OROMIA_DEMO.fields) {
        const field = (await get<FieldForecast>(`/v1/fields/${spec.id}/forecast`, manager)).body;
        expect(field).toMatchObject({ status: 'ok', basis: 'at-sowing' });
        expect(field.daysSinceSowing).toBeGreaterThan(0);
        expect(field.assumed.join()).toMatch(/record starts .*, after sowing/);
        expect(field.features!.seasonFraction).toBe(0);
        // An honest band this early: nothing like the ±5 % of the trial.
        const y = field.yieldTHa!;
        expect((y.p90 - y.p10) / y.p50, spec.id).toBeGreaterThan(0.3);
        expect(field.fao33).not.toBeNull();
      }
      // A forecast from what was known at sowing has no season to export as yield history.
      const csv = await fetch(
        `${shamba.api.url}/v1/coops/${demoCoop}/season-features.csv?season=2026-bega`,
        { headers: { authorization: `Bearer ${manager}` } },
      );
      expect((await csv.text()).trim().split('\n')).toHaveLength(1);
      // Installing it again keeps the version in use.
      expect(
        await ensureYieldModel({
          registry: shamba.registry,
          pool: shamba.pool,
          dataDir: dir.path,
          coopId: demoCoop,
        }),
      ).toBe(version);
    },
  );

  it('a field sown today gets a forecast (day 0) with a wide band, FAO-33 beside it', async () => {
    const manager = await seedToken(shamba.registry, {
      role: 'manager',
      coopId: COOP,
      farmerId: null,
      name: 'M',
    });
    const { body } = await get<FieldForecast>('/v1/fields/sown-today/forecast', manager);
    expect(body).toMatchObject({ status: 'ok', basis: 'at-sowing', daysSinceSowing: 0 });
    expect(body.assumed.join()).toMatch(/sown today/);
    const y = body.yieldTHa!;
    expect((y.p90 - y.p10) / y.p50).toBeGreaterThan(0.3);
    expect(body.fao33!.etaOverEtc).toBe(1);
    expect(body.versions.model).toBe(version);
  });
});
