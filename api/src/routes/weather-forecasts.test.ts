import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coopFixture } from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const ISSUE = {
  source: 'NMA Ethiopia',
  issuedAt: '2026-11-30T06:00:00Z',
  days: [{ date: '2026-12-01', rainMm: 2, et0Mm: 5 }],
};

describe('/v1/coops/{id}/weather-forecast', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;
  const call = (method: string, token: string, init: { body?: unknown; etag?: string } = {}) =>
    app.request('/v1/coops/coop-a/weather-forecast', {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.etag === undefined ? {} : { 'if-none-match': init.etag }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-weather-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.coops.upsert(coopFixture({ id: 'coop-a' }));
    await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
    for (const [token, coopId] of [
      ['manager-a', 'coop-a'],
      ['manager-b', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role: 'manager', coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    app = createApp({ registry, store, health: async () => ({}) });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('answers 404 before any issue, then the newest issue with an ETag, and 304 while it is current', async () => {
    const none = await call('GET', 'manager-a');
    expect([none.status, await none.json()]).toEqual([
      404,
      problem('NOT_FOUND', 'no forecast yet'),
    ]);
    const put = await call('PUT', 'manager-a', { body: ISSUE });
    expect([put.status, await put.json()]).toEqual([200, ISSUE]);

    const first = await call('GET', 'manager-a');
    const etag = first.headers.get('etag')!;
    expect([first.status, etag, first.headers.get('cache-control'), await first.json()]).toEqual([
      200,
      expect.stringMatching(/^"[\w-]+"$/),
      'private, no-cache',
      ISSUE,
    ]);
    const same = await call('GET', 'manager-a', { etag });
    expect([same.status, same.headers.get('etag'), await same.text()]).toEqual([304, etag, '']);

    // A newer issue is a new representation: the old tag gets the whole of it.
    const newer = { ...ISSUE, issuedAt: '2026-12-01T06:00:00Z' };
    await call('PUT', 'manager-a', { body: newer });
    const changed = await call('GET', 'manager-a', { etag });
    expect([changed.status, changed.headers.get('etag') === etag, await changed.json()]).toEqual([
      200,
      false,
      newer,
    ]);
  });

  it("refuses a bad issue saying what is wrong, and another cooperative's manager as if there were none", async () => {
    const bad = await call('PUT', 'manager-a', { body: { ...ISSUE, days: [] } });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      problem('INVALID_REQUEST', expect.stringContaining('days')),
    ]);
    // The framework reads the declared JSON body: another media type is 415, broken JSON 400.
    const asText = await app.request('/v1/coops/coop-a/weather-forecast', {
      method: 'PUT',
      headers: { authorization: 'Bearer manager-a', 'content-type': 'text/plain' },
      body: JSON.stringify(ISSUE),
    });
    expect([asText.status, await asText.json()]).toEqual([
      415,
      problem('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type'),
    ]);
    const broken = await app.request('/v1/coops/coop-a/weather-forecast', {
      method: 'PUT',
      headers: { authorization: 'Bearer manager-a', 'content-type': 'application/json' },
      body: '{"source":',
    });
    expect([broken.status, await broken.json()]).toEqual([
      400,
      problem('INVALID_REQUEST', 'Malformed JSON in request body'),
    ]);
    const foreign = await call('GET', 'manager-b');
    expect([foreign.status, await foreign.json()]).toEqual([
      404,
      problem('NOT_FOUND', 'no cooperative coop-a'),
    ]);
  });
});
