import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Field } from '@shamba/schemas';
import { FAO56_EXAMPLE_17, fieldFixture } from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from './app.js';
import { problem } from './testing/problem.js';

const field = (id: string, coopId: string, farmerId: string): Field =>
  fieldFixture({ id, coopId, farmerId, name: id, crop: 'teff', areaHa: 0.4 });

const TOKEN_LIFE = { createdMs: 0, expiresMs: null };

describe('API (in process)', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;
  let storeUp = true;
  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-api-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.fields.upsert(field('a-1', 'coop-a', 'farmer-1'));
    await registry.fields.upsert(field('a-2', 'coop-a', 'farmer-2'));
    await registry.fields.upsert(field('b-1', 'coop-b', 'farmer-9'));
    await registry.tokens.add(
      tokenDigest('manager-a'),
      {
        role: 'manager',
        coopId: 'coop-a',
        farmerId: null,
        name: 'M',
      },
      TOKEN_LIFE,
    );
    await registry.tokens.add(
      tokenDigest('farmer-2'),
      {
        role: 'farmer',
        coopId: 'coop-a',
        farmerId: 'farmer-2',
        name: 'F',
      },
      TOKEN_LIFE,
    );
    await registry.tokens.add(
      tokenDigest('admin'),
      {
        role: 'admin',
        coopId: null,
        farmerId: null,
        name: 'A',
      },
      TOKEN_LIFE,
    );
    app = createApp({
      registry,
      store,
      health: async () => ({ store: { status: storeUp ? 'up' : 'down' } }),
    });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('asks for a bearer token (RFC 6750) and refuses unknown ones', async () => {
    const none = await app.request('/v1/fields');
    expect([none.status, none.headers.get('www-authenticate'), await none.json()]).toEqual([
      401,
      'Bearer',
      problem('NOT_AUTHENTICATED', 'send Authorization: Bearer <token>'),
    ]);
    expect((await app.request('/v1/fields', auth('forged'))).status).toBe(401);
  });

  it('scopes fields to the cooperative, the farmer, or everything for an admin', async () => {
    const ids = async (token: string) =>
      (
        (await (await app.request('/v1/fields', auth(token))).json()) as { fields: Field[] }
      ).fields.map((f) => f.id);
    expect(await ids('manager-a')).toEqual(['a-1', 'a-2']);
    expect(await ids('farmer-2')).toEqual(['a-2']);
    expect(await ids('admin')).toEqual(['a-1', 'a-2', 'b-1']);
    // Another cooperative's field looks exactly like a missing one.
    expect((await app.request('/v1/fields/b-1', auth('manager-a'))).status).toBe(404);
    expect((await app.request('/v1/fields/nope', auth('manager-a'))).status).toBe(404);
    expect((await app.request('/v1/dead-letters', auth('farmer-2'))).status).toBe(403);
  });

  it('validates the readings window', async () => {
    const bad = await app.request('/v1/fields/a-1/readings?from=yesterday', auth('manager-a'));
    expect(bad.status).toBe(400);
    const reversed = await app.request(
      '/v1/fields/a-1/readings?from=2026-09-02&to=2026-09-01',
      auth('manager-a'),
    );
    expect(await reversed.json()).toEqual(problem('INVALID_REQUEST', '`from` must be before `to`'));
    const ok = await app.request(
      '/v1/fields/a-1/readings?from=2026-09-01&to=2026-09-02T00:00:00Z',
      auth('manager-a'),
    );
    expect(await ok.json()).toEqual({
      fieldId: 'a-1',
      from: '2026-09-01T00:00:00.000Z',
      to: '2026-09-02T00:00:00.000Z',
      readings: [],
      next: null,
    });
  });

  it('reports health without a token, 503 when a component is down', async () => {
    expect((await app.request('/v1/health')).status).toBe(200);
    storeUp = false;
    const down = await app.request('/v1/health');
    expect([down.status, await down.json()]).toEqual([
      503,
      { status: 'degraded', components: { store: { status: 'down' } } },
    ]);
    storeUp = true;
  });

  it('serves the FAO-56 ET0 calculator: one period, a batch with a bad element, bad bodies', async () => {
    // FAO-56 Example 17 (Brussels, 6 July): ET0 3.9 mm/day.
    const brussels = FAO56_EXAMPLE_17;
    const post = (body: string, token = 'farmer-2') =>
      app.request('/v1/agronomy/et0', {
        method: 'POST',
        body,
        headers: { ...auth(token).headers, 'content-type': 'application/json' },
      });
    const one = await post(JSON.stringify(brussels));
    expect(one.status).toBe(200);
    const result = (await one.json()) as { et0Mm: number; rnMJ: number; humidityFrom: string };
    expect(result.et0Mm).toBeCloseTo(3.9, 1);
    expect(result.rnMJ).toBeCloseTo(13.28, 1);

    const batch = await post(JSON.stringify([brussels, { ...brussels, tMaxC: 'hot' }]));
    expect(batch.status).toBe(200);
    const outcomes = (await batch.json()) as (
      { et0Mm: number } | { error: { code: string; message: string } }
    )[];
    expect(outcomes).toHaveLength(2);
    expect(outcomes[0]).toMatchObject({ et0Mm: result.et0Mm });
    expect(outcomes[1]).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    expect(JSON.stringify(outcomes[1])).toMatch(/\[1\].*tMaxC/);

    const bad = await post(JSON.stringify({ ...brussels, tMinC: 30 }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify(brussels), 'nobody')).status).toBe(401);
  });

  it('answers unknown routes with the error shape', async () => {
    const response = await app.request('/v2/anything');
    expect([response.status, await response.json()]).toEqual([
      404,
      problem('NOT_FOUND', 'no route GET /v2/anything'),
    ]);
  });
});
