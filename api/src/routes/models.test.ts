import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_COMPUTED_ROWS, createModelStore, type ModelOwner } from '@shamba/analytics';
import { buildQuantileModel, initTfBackend } from '@shamba/analytics/models';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from '../app.js';
import type { YieldModels } from './models.js';
import { problem } from '../testing/problem.js';

const HEADER =
  'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0';
const row = (season: string, fieldId: string, crop = 'maize', yieldTHa = '4.2') =>
  `${season},${fieldId},${crop},${yieldTHa},60,78,420,12,0.8,0.8,0.4,0.9`;
const NOW = Date.parse('2026-12-03T09:00:00Z');

describe('yield history and promotion over the API', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let modelsDir: string;
  let app: ReturnType<typeof createApp>;
  const call = (method: string, path: string, token: string, body?: string) =>
    app.request(`/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      ...(body === undefined ? {} : { body }),
    });
  const history = async (coopId: string) =>
    (await registry.yieldHistory.list(coopId)).map((r) => `${r.season}/${r.field_id}`);

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-api-models-'));
    modelsDir = join(dir, 'models');
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
    await registry.fields.upsert(fieldFixture());
    await registry.fields.upsert(fieldFixture({ id: 'field-2', crop: 'teff' }));
    await registry.fields.upsert(fieldFixture({ id: 'field-b', coopId: 'coop-b' }));
    for (const [token, role, coopId] of [
      ['manager-a', 'manager', 'coop-a'],
      ['agronomist-a', 'agronomist', 'coop-a'],
      ['manager-b', 'manager', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role, coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    const storeOf = (owner: ModelOwner) => createModelStore({ dir: modelsDir, owner });
    const models: YieldModels = {
      list: async (scope) => ('every' in scope ? [] : storeOf(scope.owner).list('yield')),
      inUse: (owner) => storeOf(owner).inUse('yield'),
      promote: (owner, version) => storeOf(owner).promote('yield', version),
      train: async () => {
        throw new Error('not in these tests');
      },
    };
    app = createApp({ registry, store, models, clock: () => NOW, health: async () => ({}) });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('refuses an upload with implausible, unknown or future rows, naming each, and stores nothing', async () => {
    const refused = await call(
      'POST',
      '/coops/coop-a/yield-history',
      'manager-a',
      [
        HEADER,
        row('2025-meher', 'field-1'),
        row('2025-meher', 'field-2', 'maize', '45'),
        row('2025-meher', 'field-9'),
        row('2024-meher', 'field-1', 'quinoa'),
        row('2027-meher', 'field-1'),
        row('2024-meher', 'field-b'),
      ].join('\n'),
    );
    expect(refused.status).toBe(400);
    const error = (await refused.json()) as { code: string; detail: string };
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.detail.split('\n').map((l) => l.replace(/:.*$/s, ''))).toEqual([
      '5 problems in 6 rows; nothing was stored',
      'line 3, yield_t_ha',
      'line 4, field_id',
      'line 5, crop',
      'line 6, season',
      'line 7, field_id',
    ]);
    expect(await history('coop-a')).toEqual([]);
  });

  it("stores, replaces by season and field, and deletes a field-season or a season: the cooperative's own only", async () => {
    const upload = (token: string, coop: string, ...rows: string[]) =>
      call('POST', `/coops/${coop}/yield-history`, token, [HEADER, ...rows].join('\n'));
    expect(
      (
        await upload(
          'manager-a',
          'coop-a',
          row('2024-meher', 'field-1'),
          row('2025-meher', 'field-1'),
          row('2025-meher', 'field-2', 'teff', '1.8'),
        )
      ).status,
    ).toBe(201);
    const replaced = await upload(
      'manager-a',
      'coop-a',
      row('2025-meher', 'field-2', 'teff', '2.1'),
    );
    expect(await replaced.json()).toMatchObject({ received: 1, stored: 3 });
    expect((await registry.yieldHistory.list('coop-a')).map((r) => r.yield_t_ha)).toEqual([
      4.2, 4.2, 2.1,
    ]);
    expect((await upload('manager-b', 'coop-b', row('2025-meher', 'field-b'))).status).toBe(201);

    // Another cooperative's manager: as if there were nothing there; nothing goes.
    const foreign = await call(
      'DELETE',
      '/coops/coop-a/yield-history?season=2025-meher',
      'manager-b',
    );
    expect(foreign.status).toBe(404);
    expect(await history('coop-a')).toEqual([
      '2024-meher/field-1',
      '2025-meher/field-1',
      '2025-meher/field-2',
    ]);

    const one = await call(
      'DELETE',
      '/coops/coop-a/yield-history?season=2025-meher&fieldId=field-2',
      'agronomist-a',
    );
    expect([one.status, await one.json()]).toEqual([
      200,
      { coopId: 'coop-a', season: '2025-meher', fieldId: 'field-2', deleted: 1 },
    ]);
    const season = await call(
      'DELETE',
      '/coops/coop-a/yield-history?season=2025-meher',
      'manager-a',
    );
    expect(await season.json()).toEqual({ coopId: 'coop-a', season: '2025-meher', deleted: 1 });
    expect(await history('coop-a')).toEqual(['2024-meher/field-1']);
    // Coop B's row of the same season is untouched.
    expect(await history('coop-b')).toEqual(['2025-meher/field-b']);

    expect(
      (await call('DELETE', '/coops/coop-a/yield-history?season=2025-meher', 'manager-a')).status,
    ).toBe(404);
    const unnamed = await call('DELETE', '/coops/coop-a/yield-history', 'manager-a');
    expect([unnamed.status, await unnamed.json()]).toEqual([
      400,
      problem(
        'INVALID_REQUEST',
        'name what to delete: ?season=2025-meher, and &fieldId= for one field',
      ),
    ]);
  });

  it("lists the history in pages by season and field, the cooperative's own only", async () => {
    const rows = ['2019', '2020', '2021'].flatMap((y) => [
      row(`${y}-belg`, 'field-1'),
      row(`${y}-belg`, 'field-2', 'teff', '1.5'),
    ]);
    expect(
      (await call('POST', '/coops/coop-a/yield-history', 'manager-a', [HEADER, ...rows].join('\n')))
        .status,
    ).toBe(201);
    const list = async (query: string, token = 'manager-a') => {
      const response = await call('GET', `/coops/coop-a/yield-history${query}`, token);
      const body = (await response.json()) as {
        rows: { season: string; field_id: string }[];
        next: string | null;
      };
      return {
        status: response.status,
        rows: body.rows?.map((r) => `${r.season}/${r.field_id}`),
        next: body.next,
      };
    };
    const all = (await registry.yieldHistory.list('coop-a'))
      .map((r) => `${r.season}/${r.field_id}`)
      .sort();
    expect(all.slice(0, 6)).toEqual([
      '2019-belg/field-1',
      '2019-belg/field-2',
      '2020-belg/field-1',
      '2020-belg/field-2',
      '2021-belg/field-1',
      '2021-belg/field-2',
    ]);
    const first = await list('?limit=4');
    expect([first.status, first.rows]).toEqual([200, all.slice(0, 4)]);
    expect(first.next).toEqual(expect.any(String));
    const second = await list(`?limit=4&cursor=${first.next!}`);
    expect(second).toEqual({
      status: 200,
      rows: all.slice(4, 8),
      next: all.length > 8 ? (expect.any(String) as string) : null,
    });
    // Another cooperative's manager: 404, as if it did not exist.
    expect((await list('', 'manager-b')).status).toBe(404);
    // The upload is declared as the CSV it is (the route reads it itself).
    const document = (await (await app.request('/v1/openapi.json')).json()) as {
      paths: Record<string, { post?: { requestBody?: { content: object } } }>;
    };
    expect(
      Object.keys(document.paths['/v1/coops/{coopId}/yield-history']!.post!.requestBody!.content),
    ).toEqual(['text/csv']);
  });

  it('refuses an upload leaving more rows to compute than the cap, saying to split it: nothing stored', async () => {
    // Each row lacks rain_over_et0 and gives a sowing date: each would need a season of ET0.
    const before = await history('coop-a');
    const rows = Array.from(
      { length: MAX_COMPUTED_ROWS + 1 },
      (_, i) => `2026-plot-${i},field-1,maize,4.2,60,78,420,12,0.8,0.8,0.4,,2026-03-01`,
    );
    const refused = await call(
      'POST',
      '/coops/coop-a/yield-history',
      'manager-a',
      [`${HEADER},sowing_date`, ...rows].join('\n'),
    );
    expect(refused.status).toBe(400);
    const error = (await refused.json()) as { code: string; detail: string };
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.detail).toMatch(
      new RegExp(
        `^${MAX_COMPUTED_ROWS + 1} rows lack rain_over_et0, .* at most ${MAX_COMPUTED_ROWS} rows .*: split the upload, or give rain_over_et0 in the CSV$`,
      ),
    );
    expect(await history('coop-a')).toEqual(before);
  });

  it('refuses to promote a model whose evaluation is not finite or worse than FAO-33, with the numbers', async () => {
    await initTfBackend();
    const own = createModelStore({ dir: modelsDir, owner: 'coop-a', clock: () => NOW });
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 3, seed: 1 });
    const evaluation = (m: number, f: number) => ({
      evaluation: { model: { rmseTHa: m }, fao33: { rmseTHa: f } },
    });
    const nan = await own.save('yield', model, evaluation(Number.NaN, 0.7));
    const worse = await own.save('yield', model, evaluation(0.95, 0.7));
    const better = await own.save('yield', model, evaluation(0.5, 0.7));
    model.dispose();
    const promote = async (version: string) => {
      const response = await call('POST', `/models/yield/${version}/promote`, 'agronomist-a');
      return [response.status, (await response.json()) as Record<string, unknown>] as const;
    };
    expect(await promote(nan)).toEqual([
      400,
      problem(
        'INVALID_REQUEST',
        `yield model ${nan} cannot be promoted: its evaluation is not finite (held-out RMSE: model null)`,
      ),
    ]);
    expect(await promote(worse)).toEqual([
      400,
      problem(
        'INVALID_REQUEST',
        `yield model ${worse} cannot be promoted: its held-out RMSE, 0.95 t/ha, is worse than FAO-33's 0.7 t/ha on the same seasons`,
      ),
    ]);
    expect(await promote(better)).toEqual([
      200,
      { coopId: 'coop-a', promoted: better, owner: 'coop-a' },
    ]);
    // The listing says which versions may be promoted, and why not.
    const listed = (await (await call('GET', '/models/yield', 'agronomist-a')).json()) as {
      versions: { version: string; promotionRefused: string | null }[];
    };
    expect(listed.versions.map((v) => [v.version, v.promotionRefused])).toEqual([
      [nan, 'its evaluation is not finite (held-out RMSE: model null)'],
      [worse, "its held-out RMSE, 0.95 t/ha, is worse than FAO-33's 0.7 t/ha on the same seasons"],
      [better, null],
    ]);
    // Two pages of versions: the cursor carries on after the last one given.
    const page = async (query: string) => {
      const body = (await (await call('GET', `/models/yield${query}`, 'agronomist-a')).json()) as {
        versions: { version: string }[];
        next: string | null;
      };
      return { versions: body.versions.map((v) => v.version), next: body.next };
    };
    const first = await page('?limit=2');
    expect(first).toEqual({ versions: [nan, worse], next: expect.any(String) as string });
    expect(await page(`?limit=2&cursor=${first.next!}`)).toEqual({
      versions: [better],
      next: null,
    });
  });
});
