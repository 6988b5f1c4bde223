import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForecastService } from '@shamba/analytics';
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
import type { BodyLimitMiddleware } from './http/body.js';
import type { YieldModels } from './routes/models.js';
import type { SceneRegistrar } from './routes/scenes.js';
import type { SmsCallbacks } from './routes/sms-callbacks.js';
import { createApiServer } from './server.js';
import type { DashboardAssets } from './dashboard/assets.js';
import { FORM_BODY_LIMIT } from './dashboard/page-auth.js';
import { problem } from './testing/problem.js';
import { followJob } from './testing/jobs.js';

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
      problem('INVALID_REQUEST', 'body larger than 1024 bytes'),
    ]);
    const notJson = await post('{apply');
    expect([notJson.status, await notJson.json()]).toEqual([
      400,
      problem('INVALID_REQUEST', 'the body is not JSON'),
    ]);
    const empty = await followJob(
      (path) => app.request(path, auth('agronomist-a')),
      await post(''),
    );
    expect([empty.state, (empty.result as { applied: boolean }).applied]).toEqual([
      'succeeded',
      false,
    ]);
  });

  it('refuses an expired token by the injected clock', async () => {
    expect((await app.request('/v1/fields', auth('short-lived'))).status).toBe(200);
    now = 2_000_001;
    const expired = await app.request('/v1/fields', auth('short-lived'));
    expect([expired.status, await expired.json()]).toEqual([
      401,
      problem('NOT_AUTHENTICATED', 'unknown, expired or revoked token'),
    ]);
  });

  it('answers 429 with Retry-After after 20 failed tokens a minute, and still lets a valid token in', async () => {
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
    const refused = await limited.request('/v1/fields', auth('guess-20'));
    expect([refused.status, refused.headers.get('retry-after'), await refused.json()]).toEqual([
      429,
      '3',
      problem('TOO_MANY_REQUESTS', 'too many failed authentications: wait'),
    ]);
    // The address is over its limit, yet a valid token from it is served: a stranger guessing
    // behind the same NAT locks out no one.
    expect((await limited.request('/v1/fields', auth('agronomist-a'))).status).toBe(200);
    expect((await limited.request('/v1/fields', auth('guess-21'))).status).toBe(429);
    now += 3_000;
    expect((await limited.request('/v1/fields', auth('guess-22'))).status).toBe(401);
  });

  it('counts failures per socket address over a real server, which stays up and serves valid tokens', async () => {
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
    for (const token of ['guess-0', 'guess-1', 'guess-2', 'guess-3', 'agronomist-a', 'guess-4'])
      statuses.push((await get(token)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 200, 429]);
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
  });

  it('puts a body limit on every route that takes a body (a new route must be added here)', () => {
    // Every optional part given, so that every route is mounted; only the routing is read.
    const full = createApp({
      registry,
      store,
      health: async () => ({}),
      scenes: {} as SceneRegistrar,
      models: {} as YieldModels,
      forecasts: {} as ForecastService,
      delivery: {
        gatewayName: 'http',
        limits: { perFarmerPerDay: 3, segmentsPerMonth: 1000 },
        callbacks: { token: 'a-callback-secret', accept: {} as SmsCallbacks['accept'] },
      },
      dashboard: { assets: {} as DashboardAssets },
    });
    const limits: Record<string, number | null> = {};
    for (const { method, path, handler } of full.routes) {
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) continue;
      const key = `${method} ${path}`;
      const limit = (handler as Partial<BodyLimitMiddleware>).maxBodyBytes;
      limits[key] = limit ?? limits[key] ?? null;
    }
    expect(limits).toEqual({
      'POST /v1/fields/:fieldId/zones/delineate': 1024,
      'POST /v1/fields/:fieldId/fertiliser-applications': 2048,
      'POST /v1/agronomy/et0': 4 * 2 ** 20,
      'POST /v1/coops/:coopId/parameter-sets': 64 * 1024,
      'PUT /v1/coops/:coopId/weather-forecast': 64 * 1024,
      // Multipart: receiveUpload counts the bytes as it streams them to disk, up to the
      // registrar's upload limit, and holds none of it in memory.
      'POST /v1/scenes/upload': null,
      'POST /v1/scenes': 16 * 1024,
      'POST /v1/coops/:coopId/yield-history': 8 * 2 ** 20,
      'POST /v1/models/yield/train': 4 * 1024,
      // Reads no body: nothing of one is parsed or held.
      'POST /v1/models/yield/:version/promote': null,
      'DELETE /v1/coops/:coopId/yield-history': null,
      'DELETE /v1/coops/:coopId/farmers/:farmerId': null,
      'POST /v1/coops/:coopId/farmers': 4096,
      'PATCH /v1/coops/:coopId/farmers/:farmerId': 4096,
      'POST /v1/coops': 2048,
      'PATCH /v1/coops/:coopId': 2048,
      'POST /v1/coops/:coopId/fields': 192 * 1024,
      'PATCH /v1/coops/:coopId/fields/:fieldId': 192 * 1024,
      'PUT /v1/coops/:coopId/fields/:fieldId/zones': 192 * 1024,
      'POST /v1/coops/:coopId/devices': 1024,
      // Read no body: nothing of one is parsed or held.
      'POST /v1/coops/:coopId/devices/:deviceId/secret': null,
      'POST /v1/coops/:coopId/devices/:deviceId/disable': null,
      'POST /v1/coops/:coopId/devices/:deviceId/enable': null,
      'POST /v1/tokens': 2048,
      'DELETE /v1/tokens/:tokenId': null,
      'POST /v1/sms/callbacks/:token/delivery-reports': 8192,
      'POST /v1/sms/callbacks/:token/inbound': 8192,
      'POST /login': 8192,
      'POST /logout': 8192,
      // The dashboard's signed-in forms: the pages' own limit (below), before their gate reads
      // the form for its CSRF token.
      'POST /language': null,
      'POST /agronomy/parameters': null,
      'POST /agronomy/models/train': null,
      'POST /agronomy/models/:version/promote': null,
      'POST /devices': null,
    });
    const pagesLimit = full.routes.find(
      (r) => r.method === 'ALL' && (r.handler as Partial<BodyLimitMiddleware>).maxBodyBytes,
    );
    expect((pagesLimit?.handler as Partial<BodyLimitMiddleware>).maxBodyBytes).toBe(
      FORM_BODY_LIMIT,
    );
  });

  it('refuses a 300 MB chunked body over a real socket after reading little, and stays up', async () => {
    await using server = await createApiServer({
      app: createApp({ registry, store, health: async () => ({}), clock: () => now }),
      port: 0,
    });
    const MiB = 2 ** 20;
    const before = process.memoryUsage().rss;
    let written = 0;
    const answer = await new Promise<unknown[]>((resolve, reject) => {
      const outgoing = request(`${server.url}/v1/fields/a-1/zones/delineate`, {
        method: 'POST',
        headers: { ...auth('agronomist-a').headers, 'content-type': 'application/json' },
      });
      let answered = false;
      outgoing.on('response', (response) => {
        answered = true;
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve([response.statusCode, response.headers.connection, JSON.parse(text)]),
        );
      });
      outgoing.on('error', (error) => (answered ? undefined : reject(error)));
      const chunk = Buffer.from('0,'.repeat(32 * 1024));
      outgoing.write('[');
      const pump = () => {
        while (!answered && written < 300 * MiB) {
          written += chunk.length;
          if (!outgoing.write(chunk)) return void outgoing.once('drain', pump);
        }
        if (!answered) outgoing.end('0]');
      };
      pump();
    });
    const after = process.memoryUsage().rss;
    console.log(
      `300 MB chunked body: answered after ${(written / MiB).toFixed(1)} MiB sent; RSS ${before >> 20} -> ${after >> 20} MiB`,
    );
    expect(answer).toEqual([
      400,
      'close',
      problem('INVALID_REQUEST', 'body larger than 1024 bytes'),
    ]);
    expect(written).toBeLessThan(64 * MiB);
    expect(after - before).toBeLessThan(64 * MiB);
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
  });
});
