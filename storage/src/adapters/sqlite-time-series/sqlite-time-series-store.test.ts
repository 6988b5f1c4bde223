import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  describeTimeSeriesStore,
  reading,
} from '../../conformance/time-series-store.conformance.js';
import { openDatabase } from '../../sqlite/open-database.js';
import type { StoredReading } from '@shamba/schemas';
import {
  QUERY_INBOX_ROWS,
  TIME_SERIES_MIGRATIONS,
  createSqliteTimeSeriesStore,
  inboxPathFor,
} from './sqlite-time-series-store.js';

describeTimeSeriesStore('sqlite', {
  newLocation: () => join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite'),
  open: (path) => createSqliteTimeSeriesStore({ path }),
});

// The same behaviour while readings move from the inbox to the indexed table between writes.
describeTimeSeriesStore('sqlite, inbox merged every 2 readings', {
  newLocation: () => join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite'),
  open: (path) => createSqliteTimeSeriesStore({ path, mergeRows: 2 }),
});

describe('SQLite inbox', () => {
  const newPath = () => join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite');
  /** Rows in the inbox and in the indexed table, read beside the store as another process would. */
  const rows = (path: string) => {
    const count = (file: string, table: string) => {
      const db = new Database(file, { readonly: true });
      const { n } = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      db.close();
      return n;
    };
    return {
      inbox: count(inboxPathFor(path), 'readings_inbox'),
      indexed: count(path, 'readings'),
    };
  };
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 500 && !done(); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done()).toBe(true);
  };
  const all = { fromMs: 0, toMs: 2e12 };

  it('keeps the inbox in a file beside the readings', () => {
    expect(inboxPathFor('/data/timeseries.sqlite')).toBe('/data/timeseries.inbox.sqlite');
    expect(() => inboxPathFor(':memory:')).toThrow(/needs a file/);
  });

  it('merges on its own thread once it holds mergeRows readings', async () => {
    const path = newPath();
    const store = await createSqliteTimeSeriesStore({ path, mergeRows: 3 });
    await store.write([reading({ timeMs: 1000 }), reading({ timeMs: 2000 })]);
    expect(rows(path)).toEqual({ inbox: 2, indexed: 0 });
    await store.write([reading({ timeMs: 3000 })]);
    await until(() => rows(path).inbox === 0);
    expect(rows(path)).toEqual({ inbox: 0, indexed: 3 });
    expect((await store.query(all)).map((r) => r.timeMs)).toEqual([1000, 2000, 3000]);
    await store.close();
  });

  it('merges a quiet inbox after mergeAfterMs', async () => {
    const path = newPath();
    const store = await createSqliteTimeSeriesStore({ path, mergeAfterMs: 20 });
    await store.write([reading()]);
    expect(rows(path)).toEqual({ inbox: 1, indexed: 0 });
    await until(() => rows(path).inbox === 0);
    expect(rows(path)).toEqual({ inbox: 0, indexed: 1 });
    await store.close();
  });

  it('reads a resend of a merged reading once, as resent, before and after the next merge', async () => {
    const path = newPath();
    const store = await createSqliteTimeSeriesStore({ path, mergeRows: 2 });
    await store.write([reading({ timeMs: 1000, seq: 1 }), reading({ timeMs: 2000, seq: 2 })]);
    await until(() => rows(path).inbox === 0);
    await store.write([reading({ timeMs: 2000, seq: 9, values: { vwc10: 0.4 } })]);
    expect(rows(path)).toEqual({ inbox: 1, indexed: 2 });
    const expected = [
      { timeMs: 1000, seq: 1 },
      { timeMs: 2000, seq: 9, values: { vwc10: 0.4 } },
    ];
    expect(await store.query(all)).toMatchObject(expected);
    expect(await store.query({ ...all, deviceIds: ['soil-1'], limit: 1 })).toMatchObject(
      expected.slice(1),
    );
    await store.write([reading({ timeMs: 3000, seq: 3 })]);
    await until(() => rows(path).inbox === 0);
    expect(rows(path)).toEqual({ inbox: 0, indexed: 3 });
    expect(await store.query({ ...all, fieldId: 'field-1' })).toMatchObject([
      ...expected,
      { timeMs: 3000, seq: 3 },
    ]);
    await store.close();
  });

  it('loses and duplicates nothing while writes and resends go on during merges', async () => {
    const path = newPath();
    const store = await createSqliteTimeSeriesStore({ path, mergeRows: 16 });
    // The last version written of each key, as the store must answer.
    const model = new Map<string, StoredReading>();
    let seq = 0;
    for (let w = 0; w < 400; w++) {
      const batch = Array.from({ length: 1 + (w % 4) }, (_, k) =>
        reading({
          deviceId: `soil-${(w * 7 + k) % 5}`,
          timeMs: 1000 * ((w * 13 + k * 31) % 97), // keys come back: resends and replays
          seq: seq++,
          values: { vwc10: seq / 1000 },
        }),
      );
      await store.write(batch);
      for (const r of batch) model.set(`${r.deviceId}/${r.timeMs}`, r);
      if (w % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const byKey = (rs: StoredReading[]) =>
      [...rs].sort((a, b) => a.deviceId.localeCompare(b.deviceId) || a.timeMs - b.timeMs);
    expect(byKey(await store.query(all))).toEqual(byKey([...model.values()]));
    expect(rows(path).indexed).toBeGreaterThan(0); // merges did run meanwhile
    await store.close();
    expect(rows(path)).toEqual({ inbox: 0, indexed: model.size });
    const reopened = await createSqliteTimeSeriesStore({ path });
    expect(byKey(await reopened.query(all))).toEqual(byKey([...model.values()]));
    await reopened.close();
  });

  it('keeps a resend that arrives while the merge of its first version runs', async () => {
    const path = newPath();
    const rowsPerMerge = 20_000;
    const store = await createSqliteTimeSeriesStore({ path, mergeRows: rowsPerMerge });
    const many = (t0: number) =>
      Array.from({ length: rowsPerMerge }, (_, i) =>
        reading({ deviceId: `soil-${i % 100}`, timeMs: t0 + i * 1000 }),
      );
    await store.write(many(0)); // the first merge starts the merger's thread
    await until(() => rows(path).inbox === 0);
    await store.write(many(1e9)); // this merge takes tens of milliseconds
    await new Promise((resolve) => setTimeout(resolve, 2));
    const resent = reading({
      deviceId: 'soil-7',
      timeMs: 1e9 + 7000,
      seq: 99,
      values: { vwc10: 0.5 },
    });
    await store.write([resent]);
    await until(() => rows(path).inbox <= 1);
    expect(await store.query({ fromMs: resent.timeMs, toMs: resent.timeMs + 1 })).toEqual([resent]);
    await store.close();
    expect(rows(path)).toEqual({ inbox: 0, indexed: 2 * rowsPerMerge });
  });

  it('loses nothing when two processes write one store and merge it', async () => {
    const path = newPath();
    // Two stores on one path have connections and merger threads of their own, as two processes.
    const [a, b] = [
      await createSqliteTimeSeriesStore({ path, mergeRows: 64 }),
      await createSqliteTimeSeriesStore({ path, mergeRows: 64 }),
    ];
    const written: StoredReading[] = [];
    for (let w = 0; w < 600; w++) {
      const batch = Array.from({ length: 8 }, (_, k) =>
        reading({ deviceId: `soil-${w % 2}`, timeMs: (w * 8 + k) * 1000, seq: w }),
      );
      await (w % 2 === 0 ? a : b).write(batch);
      written.push(...batch);
      if (w % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await a.close();
    await b.close();
    expect(rows(path)).toEqual({ inbox: 0, indexed: written.length });
  });

  it('reads a small inbox as it is, and merges a larger one before reading', async () => {
    const path = newPath();
    // No merge by size or by time: only the queries'.
    const store = await createSqliteTimeSeriesStore({ path, mergeRows: 1e9, mergeAfterMs: 1e9 });
    const some = (n: number, t0: number) =>
      Array.from({ length: n }, (_, k) => reading({ timeMs: t0 + k * 1000 }));
    await store.write(some(QUERY_INBOX_ROWS, 0));
    expect(await store.query({ ...all, limit: 1 })).toMatchObject([
      { timeMs: (QUERY_INBOX_ROWS - 1) * 1000 },
    ]);
    expect(rows(path)).toEqual({ inbox: QUERY_INBOX_ROWS, indexed: 0 });
    await store.write(some(1, 1e9));
    expect(await store.query({ ...all, limit: 1 })).toMatchObject([{ timeMs: 1e9 }]);
    expect(rows(path)).toEqual({ inbox: 0, indexed: QUERY_INBOX_ROWS + 1 });
    await store.close();
  });

  it('sees its merges end while its caller never lets the event loop turn', async () => {
    const path = newPath();
    const store = await createSqliteTimeSeriesStore({ path, mergeRows: 100 });
    const indexed = new Database(path, { readonly: true });
    const merged = indexed.prepare('SELECT count(*) FROM readings').pluck();
    await store.write(Array.from({ length: 100 }, (_, k) => reading({ timeMs: (k + 1) * 1000 })));
    // From here on only promises that are already resolved, as a bulk import awaits its writes:
    // no timer, no I/O callback and no message from the merger's thread is delivered meanwhile.
    let t = 100;
    const deadlineMs = Date.now() + 10_000;
    while ((merged.get() as number) === 0 && Date.now() < deadlineMs)
      await store.write([reading({ timeMs: ++t * 1000 })]);
    await store.write([reading({ timeMs: ++t * 1000 })]);
    // The first merge's rows are gone from the inbox: the write that followed it saw it end.
    expect(rows(path)).toEqual({ inbox: t - 100, indexed: 100 });
    indexed.close();
    await store.close();
    expect(rows(path)).toEqual({ inbox: 0, indexed: t });
  });

  it('merges what a crash left in the inbox when the store opens again', async () => {
    const path = newPath();
    const crashed = await createSqliteTimeSeriesStore({ path });
    await crashed.write([reading({ timeMs: 1000 }), reading({ timeMs: 2000 })]);
    // Not closed, as after a SIGKILL: the readings are committed, in the inbox.
    expect(rows(path)).toEqual({ inbox: 2, indexed: 0 });
    const reopened = await createSqliteTimeSeriesStore({ path });
    expect(rows(path)).toEqual({ inbox: 0, indexed: 2 });
    expect(await reopened.query(all)).toHaveLength(2);
    await reopened.close();
    await crashed.close();
  });
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
