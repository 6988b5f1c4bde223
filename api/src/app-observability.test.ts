import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry as MetricsRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldFixture } from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from './app.js';
import { problem } from './testing/problem.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('API logs and metrics', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;
  const metrics = new MetricsRegistry();
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // pino writes to the stream synchronously for a Writable: each line is here when request() returns.
  const logger = pino({ level: 'info', base: null, timestamp: false }, sink);
  let healthFails = false;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-api-observe-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.fields.upsert(
      fieldFixture({ id: 'a-1', coopId: 'coop-a', farmerId: 'farmer-1', name: 'a-1' }),
    );
    await registry.tokens.add(
      tokenDigest('manager-a'),
      { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'M' },
      { createdMs: 0, expiresMs: null },
    );
    app = createApp({
      registry,
      store,
      logger,
      metrics,
      health: async () => {
        // A plain Error, as a bug would throw: the client must see INTERNAL, the log the rest.
        if (healthFails) throw new Error('disk at /var/lib/shamba is on fire');
        return { store: { status: 'up' } };
      },
    });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('logs an unexpected error with the request id the 500 carries, and not to the client', async () => {
    lines.length = 0;
    healthFails = true;
    const response = await app.request('/v1/health');
    healthFails = false;
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    expect([response.status, await response.json()]).toEqual([
      500,
      problem('INTERNAL', 'internal error'),
    ]);
    const failed = lines.find((l) => l.msg === 'request failed');
    expect(failed).toMatchObject({
      level: 50,
      requestId,
      method: 'GET',
      route: '/v1/health',
      err: { type: 'Error', message: 'disk at /var/lib/shamba is on fire' },
    });
  });

  it('writes one access line per request: method, route pattern, status, duration, id; no token or path', async () => {
    lines.length = 0;
    const response = await app.request('/v1/fields/a-1?secret=s3cret', {
      headers: { authorization: 'Bearer manager-a' },
    });
    expect(response.status).toBe(200);
    expect(lines).toHaveLength(1);
    const { durationMs, ...line } = lines[0]!;
    expect(line).toEqual({
      level: 30,
      msg: 'http request',
      requestId: response.headers.get('x-request-id'),
      method: 'GET',
      route: '/v1/fields/:fieldId',
      status: 200,
    });
    expect(typeof durationMs).toBe('number');
    // The random request id aside (a UUID may hold `a-1` by chance), no token, query or path.
    const raw = JSON.stringify(lines.map(({ requestId: _id, ...rest }) => rest));
    for (const secret of ['manager-a', 's3cret', 'a-1']) expect(raw).not.toContain(secret);
    // A request id per request.
    const again = await app.request('/v1/health');
    expect(again.headers.get('x-request-id')).not.toBe(response.headers.get('x-request-id'));
  });

  it('counts requests at /metrics by method, route pattern and status, never the raw path', async () => {
    const auth = { headers: { authorization: 'Bearer manager-a' } };
    await app.request('/v1/fields/a-1', auth);
    await app.request('/v1/fields/a-1', auth);
    await app.request('/v1/fields/nope', auth);
    await app.request('/no/such/path/1234');
    const text = await (await app.request('/metrics')).text();
    const series = (name: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`${name}{`) && !l.includes('route="/metrics"'))
        .map((l) => l.replace(/ [0-9.e+-]+$/, ''));
    const counts = Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.startsWith('shamba_http_requests_total{'))
        .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
    );
    expect(counts).toMatchObject({
      'shamba_http_requests_total{method="GET",route="/v1/fields/:fieldId",status="200"}': 3,
      'shamba_http_requests_total{method="GET",route="/v1/fields/:fieldId",status="404"}': 1,
      'shamba_http_requests_total{method="GET",route="(unmatched)",status="404"}': 1,
      'shamba_http_requests_total{method="GET",route="/v1/health",status="500"}': 1,
    });
    expect(text).toContain(
      'shamba_http_request_duration_seconds_count{method="GET",route="/v1/fields/:fieldId",status="200"} 3',
    );
    // Bounded labels: no id or raw path in any series.
    expect(series('shamba_http_requests_total').join('\n')).not.toMatch(/a-1|nope|1234/);
  });
});
