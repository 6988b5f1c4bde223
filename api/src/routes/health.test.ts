import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from '../app.js';
import type { ComponentStatus } from './health.js';

describe('GET /v1/health', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let components: Record<string, ComponentStatus>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-health-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    app = createApp({ registry, store, health: async () => components });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('answers without a token: 200 while every component is up, 503 with the reason when one is down', async () => {
    components = { broker: { status: 'up' }, store: { status: 'up' } };
    const up = await app.request('/v1/health');
    expect([up.status, await up.json()]).toEqual([200, { status: 'up', components }]);
    components = {
      broker: { status: 'up' },
      store: { status: 'down', detail: { error: 'disk full' } },
    };
    const down = await app.request('/v1/health');
    expect([down.status, await down.json()]).toEqual([503, { status: 'degraded', components }]);
  });

  it('is declared as needing no bearer token, with both answers', async () => {
    const document = (await (await app.request('/v1/openapi.json')).json()) as {
      security: unknown[];
      paths: Record<string, Record<string, { security?: unknown[]; responses: object }>>;
    };
    // Every other route needs the bearer token (the document's default); this one overrides it.
    expect(document.security).toEqual([{ bearer: [] }]);
    const health = document.paths['/v1/health']?.get;
    expect([health?.security, Object.keys(health?.responses ?? {})]).toEqual([[], ['200', '503']]);
  });
});
