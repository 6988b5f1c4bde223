import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reading } from '../../conformance/time-series-store.conformance.js';
import type { TimeSeriesStore } from '../../ports/time-series-store.js';
import { createSqliteTimeSeriesStore } from './sqlite-time-series-store.js';

describe('SQLite time series: status()', () => {
  it('reports the readings waiting in the inbox, none after a merge, and no spool', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite');
    // Through the port's type, as the CLI's shamba_spool_depth gauge reads it.
    let store: TimeSeriesStore = await createSqliteTimeSeriesStore({ path, mergeRows: 100 });
    expect(store.status?.()).toEqual({ inboxDepth: 0, lastError: null });
    await store.write([reading({ timeMs: 1000 }), reading({ timeMs: 2000 })]);
    await store.write([reading({ timeMs: 3000 })]);
    expect(store.status?.()).toEqual({ inboxDepth: 3, lastError: null });
    expect(store.status?.().spoolDepth ?? 0).toBe(0);
    await store.close(); // close merges the inbox into the indexed table
    store = await createSqliteTimeSeriesStore({ path, mergeRows: 100 });
    expect(store.status?.()).toEqual({ inboxDepth: 0, lastError: null });
    expect((await store.query({ fromMs: 0, toMs: 10_000 })).map((r) => r.timeMs)).toEqual([
      1000, 2000, 3000,
    ]);
    await store.close();
  });
});
