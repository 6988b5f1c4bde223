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

describe('/v1/coops/{id}/parameter-sets', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;
  const call = (method: string, token: string, query = '', body?: unknown) =>
    app.request(`/v1/coops/coop-a/parameter-sets${query}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-parameter-sets-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await registry.coops.upsert(coopFixture({ id: 'coop-a' }));
    await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
    for (const [token, role, coopId] of [
      ['agronomist-a', 'agronomist', 'coop-a'],
      ['manager-a', 'manager', 'coop-a'],
      ['agronomist-b', 'agronomist', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role, coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    app = createApp({ registry, store, health: async () => ({}) });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  it('publishes versions (agronomists only, known crops only) and lists them newest first in pages', async () => {
    const refused = await call('POST', 'manager-a', '', { note: 'x', crops: {} });
    expect([refused.status, await refused.json()]).toEqual([
      403,
      problem('NOT_AUTHORIZED', expect.any(String)),
    ]);
    const unknownCrop = await call('POST', 'agronomist-a', '', {
      note: 'x',
      crops: { quinoa: { ky: 1 } },
    });
    expect([unknownCrop.status, await unknownCrop.json()]).toEqual([
      400,
      problem('INVALID_REQUEST', expect.stringMatching(/^unknown crop quinoa; known: /)),
    ]);
    for (const depletionFraction of [0.4, 0.45, 0.5]) {
      const published = await call('POST', 'agronomist-a', '', {
        note: `p ${depletionFraction}`,
        crops: { maize: { depletionFraction } },
      });
      expect(published.status).toBe(201);
    }
    const page = async (query: string, token = 'manager-a') => {
      const response = await call('GET', token, query);
      const body = (await response.json()) as {
        parameterSets?: { version: number; note: string; author: string }[];
        next?: string | null;
      };
      return {
        status: response.status,
        sets: body.parameterSets?.map((s) => [s.version, s.note, s.author]),
        next: body.next,
      };
    };
    const first = await page('?limit=2');
    expect(first).toEqual({
      status: 200,
      sets: [
        [3, 'p 0.5', 'agronomist-a'],
        [2, 'p 0.45', 'agronomist-a'],
      ],
      next: expect.any(String) as string,
    });
    expect(await page(`?limit=2&cursor=${first.next!}`)).toEqual({
      status: 200,
      sets: [[1, 'p 0.4', 'agronomist-a']],
      next: null,
    });
    // Another cooperative's agronomist: as if it did not exist.
    expect((await page('', 'agronomist-b')).status).toBe(404);
  });
});
