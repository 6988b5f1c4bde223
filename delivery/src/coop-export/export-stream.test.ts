import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StoredReading } from '@shamba/schemas';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCoopStream } from './export-stream.js';

const T0 = Date.UTC(2026, 4, 1);
const PAGES = 40;
const PAGE = 1000;

describe('the export as a stream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-export-stream-'));
  let registry: Registry;
  let store: TimeSeriesStore;
  beforeAll(async () => {
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    await registry.coops.upsert({ id: 'c', name: 'C', countryCode: 'KE', timezone: 'UTC' });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    const readings: StoredReading[] = Array.from({ length: PAGES * PAGE }, (_, i) => ({
      deviceId: `p-${i % 50}`,
      stream: 'weather',
      timeMs: T0 + Math.floor(i / 50) * 60_000,
      seq: i,
      // Random values: deflate cannot shrink them away, so every page makes zip bytes.
      values: { airTempC: Math.round(Math.random() * 4000) / 100, rhPct: Math.random() * 100 },
      coopId: 'c',
      fieldId: null,
      zoneId: null,
      receivedMs: T0,
    }));
    await store.write(readings);
  });
  afterAll(async () => {
    await store.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the store only as fast as its reader takes the bytes, and stops when cancelled', async () => {
    let pagesRead = 0;
    let scanEnded = false;
    // The real store, counting the pages its scan hands out.
    const counting: TimeSeriesStore = {
      ...store,
      scan: async function* (scan) {
        try {
          for await (const page of store.scan(scan)) {
            pagesRead++;
            yield page;
          }
        } finally {
          scanEnded = true;
        }
      },
    };
    const stream = exportCoopStream({ registry, store: counting, coopId: 'c', pageSize: PAGE });
    const reader = stream.getReader();
    while (pagesRead === 0) expect((await reader.read()).done).toBe(false);
    const afterFirst = pagesRead;
    await sleep(300); // a reader that takes nothing: the export must wait for it
    expect(pagesRead).toBe(afterFirst);
    expect(afterFirst).toBeLessThan(3);
    await reader.cancel();
    expect(scanEnded).toBe(true);
    expect(pagesRead).toBeLessThan(PAGES);
  });
});
