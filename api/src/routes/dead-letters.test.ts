import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const rssMb = () => Math.round(process.memoryUsage().rss / 2 ** 20);

describe('GET /v1/dead-letters', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-dl-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    for (const [token, coopId] of [
      ['manager-a', 'coop-a'],
      ['manager-b', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role: 'manager', coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    // The attack: 16 KB payloads whose reasons were amplified to 147 KB each.
    for (let i = 0; i < 250; i++)
      await registry.deadLetters.add({
        receivedMs: 1_000 + i,
        deviceId: `a-${i % 5}`,
        coopId: 'coop-a',
        topic: 'shamba/v1/coop-a/a-1/up/soil',
        code: 'INVALID_PAYLOAD',
        reason: `issue ${i}: ${'x'.repeat(147_000)}`,
        payload: new Uint8Array(16_384).fill(i % 256),
      });
    await registry.deadLetters.add({
      receivedMs: 5_000,
      deviceId: 'b-1',
      coopId: 'coop-b',
      topic: 'shamba/v1/coop-b/b-1/up/soil',
      code: 'INVALID_PAYLOAD',
      reason: 'coop b letter',
      payload: Uint8Array.of(1),
    });
    app = createApp({ registry, store, health: async () => ({}) });
  });
  afterAll(async () => {
    await registry.close();
    await store.close();
  });

  const page = async (token: string, query: string) => {
    const response = await app.request(`/v1/dead-letters${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    return { status: response.status, bytes: text.length, body: JSON.parse(text) as Page };
  };
  interface Page {
    deadLetters: { id: number; coopId: string; reason: string; payloadBytes: number }[];
    next: string | null;
  }

  it('pages through one cooperative in bounded pages, never showing another', async () => {
    const before = rssMb();
    const seen: number[] = [];
    let cursor = '';
    let pages = 0;
    // Bounded: a cursor the route ignored would loop for ever.
    while (pages < 10) {
      const { status, bytes, body } = await page('manager-a', `?limit=100${cursor}`);
      expect(status).toBe(200);
      // 100 letters of at most 1,000-character reasons and 4 KiB payloads.
      expect(bytes).toBeLessThan(1_000_000);
      expect(body.deadLetters.every((d) => d.coopId === 'coop-a')).toBe(true);
      expect(body.deadLetters.every((d) => d.reason.length <= 1_000)).toBe(true);
      expect(body.deadLetters.every((d) => d.payloadBytes === 16_384)).toBe(true);
      seen.push(...body.deadLetters.map((d) => d.id));
      pages++;
      if (body.next === null) break;
      cursor = `&cursor=${body.next}`;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    console.log(`dead-letter pages: RSS ${before} MB before, ${rssMb()} MB after`);
    expect(rssMb() - before).toBeLessThan(100);

    const b = await page('manager-b', '');
    expect(b.body.deadLetters.map((d) => d.reason)).toEqual(['coop b letter']);
    expect(b.body.next).toBeNull();
  });

  it('walks two pages of one device by cursor, the last answering next null', async () => {
    // a-3 has 50 letters (i % 5 === 3): ids of i = 248, 243, ... 3, newest first.
    const ids = async (query: string) => {
      const { status, body } = await page('manager-a', query);
      expect(status).toBe(200);
      return { ids: body.deadLetters.map((d) => d.id), next: body.next };
    };
    const all = await ids('?deviceId=a-3&limit=100');
    expect([all.ids.length, all.next]).toEqual([50, null]);
    const first = await ids('?deviceId=a-3&limit=30');
    expect(first.ids).toEqual(all.ids.slice(0, 30));
    expect(first.next).toEqual(expect.any(String));
    const second = await ids(`?deviceId=a-3&limit=30&cursor=${first.next!}`);
    expect(second).toEqual({ ids: all.ids.slice(30), next: null });
    // A page that ends exactly at the last letter says so: no empty page after it.
    const exact = await ids('?deviceId=a-3&limit=50');
    expect([exact.ids.length, exact.next]).toEqual([50, null]);
  });

  it('refuses a page larger than 100 and a cursor it did not give', async () => {
    const large = await page('manager-a', '?limit=1000');
    expect([large.status, large.body]).toEqual([
      400,
      problem('INVALID_REQUEST', expect.stringContaining('limit')),
    ]);
    const forged = await page('manager-a', `?cursor=${Buffer.from('["x"]').toString('base64url')}`);
    expect([forged.status, forged.body]).toEqual([
      400,
      problem('INVALID_REQUEST', 'cursor: not a cursor this API gave'),
    ]);
  });
});
