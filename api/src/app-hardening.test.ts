import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from './app.js';
import { createApiServer } from './server.js';

// Issue 13 cases 12, 16 and 19, in process and over a real socket on loopback.
const EXPECTED_HEADERS = {
  'content-security-policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'x-xss-protection': '0',
};
const securityHeaders = (response: Response) =>
  Object.fromEntries(
    Object.keys(EXPECTED_HEADERS).map((name) => [name, response.headers.get(name)]),
  );

describe('API hardening', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let now = 1_000_000;
  let app: ReturnType<typeof createApp>;
  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  const addToken = (token: string, principal: Principal, expiresMs: number | null = null) =>
    registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-api-hardening-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.fields.upsert(
      fieldFixture({ id: 'a-1', coopId: 'coop-a', farmerId: 'f-1', name: 'a-1', areaHa: 0.4 }),
    );
    const agronomist = { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'G' };
    await addToken('agronomist-a', agronomist as Principal);
    await addToken('short-lived', agronomist as Principal, 2_000_000);
    app = createApp({
      registry,
      store,
      health: async () => ({ store: { status: 'up' } }),
      clock: () => now,
    });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('sends the security headers on every response: success, 401, 404, 400', async () => {
    const responses = [
      await app.request('/v1/health'),
      await app.request('/v1/fields'),
      await app.request('/nowhere'),
      await app.request('/v1/fields/a-1/readings?from=yesterday', auth('agronomist-a')),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 404, 400]);
    for (const response of responses) expect(securityHeaders(response)).toEqual(EXPECTED_HEADERS);
  });

  it('bounds the delineate body (1 KiB) and takes an empty one as the defaults', async () => {
    const post = (body: string) =>
      app.request('/v1/fields/a-1/zones/delineate', {
        method: 'POST',
        body,
        headers: { ...auth('agronomist-a').headers, 'content-type': 'application/json' },
      });
    const big = await post(JSON.stringify({ apply: false, pad: 'x'.repeat(2048) }));
    expect([big.status, await big.json()]).toEqual([
      400,
      { error: { code: 'INVALID_REQUEST', message: 'body larger than 1024 bytes' } },
    ]);
    const notJson = await post('{apply');
    expect([notJson.status, await notJson.json()]).toEqual([
      400,
      { error: { code: 'INVALID_REQUEST', message: 'the body is not JSON' } },
    ]);
    const empty = await post('');
    expect([empty.status, ((await empty.json()) as { applied: boolean }).applied]).toEqual([
      200,
      false,
    ]);
  });

  it('refuses an expired token by the injected clock', async () => {
    expect((await app.request('/v1/fields', auth('short-lived'))).status).toBe(200);
    now = 2_000_001;
    const expired = await app.request('/v1/fields', auth('short-lived'));
    expect([expired.status, await expired.json()]).toEqual([
      401,
      { error: { code: 'NOT_AUTHENTICATED', message: 'unknown, expired or revoked token' } },
    ]);
  });

  it('answers 429 with Retry-After after 20 failed tokens a minute, until one comes back', async () => {
    const limited = createApp({
      registry,
      store,
      health: async () => ({}),
      clock: () => now,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await limited.request('/v1/fields', auth(`guess-${i}`))).status);
    expect(statuses).toEqual(Array<number>(20).fill(401));
    // Refused before the lookup: a right guess now would not get through either.
    const refused = await limited.request('/v1/fields', auth('agronomist-a'));
    expect([refused.status, refused.headers.get('retry-after'), await refused.json()]).toEqual([
      429,
      '3',
      {
        error: { code: 'TOO_MANY_REQUESTS', message: 'too many failed authentications: wait' },
      },
    ]);
    now += 3_000;
    expect((await limited.request('/v1/fields', auth('agronomist-a'))).status).toBe(200);
  });

  it('counts failures per socket address over a real server, which stays up', async () => {
    await using server = await createApiServer({
      app: createApp({
        registry,
        store,
        health: async () => ({}),
        clock: () => now,
        authFailures: { maxFailures: 3 },
      }),
      port: 0,
    });
    const get = (token: string) => fetch(`${server.url}/v1/fields`, auth(token));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(`guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
  });
});
