import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTimeSeriesStore } from '../../conformance/time-series-store.conformance.js';
import { openDatabase } from '../../sqlite/open-database.js';
import { TIME_SERIES_MIGRATIONS, createSqliteTimeSeriesStore } from './sqlite-time-series-store.js';

describeTimeSeriesStore('sqlite', {
  newLocation: () => join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite'),
  open: (path) => createSqliteTimeSeriesStore({ path }),
});

describe('SQLite time-series file from before the time-clustered layout', () => {
  it('keeps every reading through the migration, and upserts on the same key after it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite');
    const old = openDatabase(path, TIME_SERIES_MIGRATIONS.slice(0, 1));
    const insert = old.prepare(
      `INSERT INTO readings (device_id, stream, time_ms, seq, coop_id, field_id, zone_id, received_ms, values_json)
       VALUES (?, 'soil', ?, ?, 'c', 'f', NULL, 0, ?)`,
    );
    for (let i = 0; i < 50; i++)
      insert.run(`d-${i % 5}`, 1_767_225_600_000 + i * 1000, i, `{"vwc10":${i}}`);
    old.close();

    const store = await createSqliteTimeSeriesStore({ path });
    const all = { fromMs: 0, toMs: 2e12 };
    expect(await store.query({ ...all, fieldId: 'f' })).toHaveLength(50);
    const d3 = await store.query({ ...all, deviceIds: ['d-3'], stream: 'soil' });
    expect(d3.map((r) => r.seq)).toEqual([3, 8, 13, 18, 23, 28, 33, 38, 43, 48]);
    // The same (device, stream, device time) again overwrites.
    await store.write([{ ...d3[0]!, seq: 999, values: { vwc10: 0.5 } }]);
    const again = await store.query({ ...all, deviceIds: ['d-3'], stream: 'soil' });
    expect(again).toHaveLength(10);
    expect(again[0]).toMatchObject({ seq: 999, values: { vwc10: 0.5 } });
    await store.close();
  });
});
