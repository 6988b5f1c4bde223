import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadingQuery } from '../../ports/time-series-store.js';
import { reading } from '../../conformance/time-series-store.conformance.js';
import {
  QUERY_INBOX_ROWS,
  createSqliteTimeSeriesStore,
  inboxPathFor,
  readingsQuery,
} from './sqlite-time-series-store.js';

/**
 * Every shape of reading query the store's callers run (the prescription and forecast passes, the
 * API's readings route), planned by SQLite on the store's own files. A reading query that reads a
 * table through anything but an index from its field or devices reads every device's rows: a
 * query per field then costs as much as the table is long (issue 14: 100 ms a field).
 * https://www.sqlite.org/eqp.html
 */
const ALL_TIME = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER };
const WINDOW = { fromMs: 1_767_225_600_000, toMs: 1_767_312_000_000 };
const SHAPES: Record<string, { query: ReadingQuery; newest?: true }> = {
  "a field's newest reading of a stream": {
    query: { fieldId: 'f', stream: 'soil', ...ALL_TIME, limit: 1 },
    newest: true,
  },
  "a field's readings of a stream over a window": {
    query: { fieldId: 'f', stream: 'soil', ...WINDOW },
  },
  "a field's readings of every stream, limited": { query: { fieldId: 'f', ...WINDOW, limit: 500 } },
  "a station's newest reading": {
    query: { deviceIds: ['wx-1'], stream: 'weather', ...ALL_TIME, limit: 1 },
    newest: true,
  },
  "stations' newest reading": {
    query: { deviceIds: ['wx-1', 'wx-2'], stream: 'weather', ...ALL_TIME, limit: 1 },
  },
  "stations' readings over a window": {
    query: { deviceIds: ['wx-1', 'wx-2'], stream: 'weather', ...WINDOW },
  },
  "devices' readings of every stream": { query: { deviceIds: ['p-1', 'p-2'], ...WINDOW } },
};

/**
 * What a plan line may read. `r` (the readings table) only through its field or device index,
 * from that equality; `i` (the inbox) by its whole key (a reading of the table shadowed by a
 * resend) or by its time key: the inbox has no other index, on purpose (it keeps the commit before
 * a PUBACK cheap), so a query merges it first once it holds more than QUERY_INBOX_ROWS, which
 * each shape's second test holds.
 */
function isIndexed(line: string): boolean {
  return (
    /^SEARCH r USING (COVERING )?INDEX readings_by_(field|device) \((field_id|device_id)=\?/.test(
      line,
    ) ||
    /^SEARCH i USING PRIMARY KEY \(time_ms=\? AND device_id=\? AND stream=\?\)$/.test(line) ||
    /^SEARCH i USING PRIMARY KEY \(time_ms>\? AND time_ms<\?\)$/.test(line)
  );
}

describe('SQLite readings query plans', () => {
  let db: Database.Database;
  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite');
    await (await createSqliteTimeSeriesStore({ path })).close(); // the files, as migrated
    db = new Database(path, { readonly: true });
    db.prepare('ATTACH DATABASE ? AS inbox').run(inboxPathFor(path));
  });
  afterAll(() => db.close());

  const plan = (query: ReadingQuery): string[] => {
    const { sql, params } = readingsQuery(query);
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map(
      (row) => row.detail,
    );
  };

  /** Rows in the inbox and the table, read beside the store as another process would. */
  const rows = (path: string) => {
    const count = (file: string, table: string) => {
      const other = new Database(file, { readonly: true });
      const n = other.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      other.close();
      return n;
    };
    return { inbox: count(inboxPathFor(path), 'readings_inbox'), indexed: count(path, 'readings') };
  };

  for (const [name, { query, newest }] of Object.entries(SHAPES)) {
    it(`reads the inbox by its time key only once it is merged down, for ${name}`, async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'shamba-ts-')), 'timeseries.sqlite');
      // No merge by size or by time: only the query's own.
      const store = await createSqliteTimeSeriesStore({ path, mergeRows: 1e9, mergeAfterMs: 1e9 });
      const written = 2 * QUERY_INBOX_ROWS;
      await store.write(
        Array.from({ length: written }, (_, k) =>
          reading({ deviceId: `p-${k % 50}`, timeMs: WINDOW.fromMs + k * 1000 }),
        ),
      );
      expect(rows(path)).toEqual({ inbox: written, indexed: 0 });
      await store.query(query);
      expect(rows(path)).toEqual({ inbox: 0, indexed: written });
      await store.close();
    });

    it(`reads ${name} through indexes`, () => {
      const lines = plan(query);
      console.log(`${name}:\n  ${lines.join('\n  ')}`);
      const reads = lines.filter((line) => /^(SCAN|SEARCH) /.test(line));
      // Both tables are read (else the filter above found nothing to check)...
      expect(reads.some((line) => line.startsWith('SEARCH r '))).toBe(true);
      expect(reads.some((line) => line.startsWith('SEARCH i '))).toBe(true);
      // ...and none of them by a scan or a search that is one.
      expect(reads.filter((line) => !isIndexed(line))).toEqual([]);
      // The newest of one series comes from the index's order, not from sorting all of it.
      if (newest) expect(lines.filter((line) => line.includes('TEMP B-TREE'))).toEqual([]);
    });
  }

  it('tells a scan from an index search', () => {
    // The check above against the plans it must refuse: the readings table read by time (every
    // device's rows in the window), or scanned, and the inbox scanned.
    expect(
      [
        'SEARCH r USING PRIMARY KEY (time_ms>? AND time_ms<?)',
        'SCAN r',
        'SCAN r USING INDEX readings_by_field',
        'SCAN i',
        'SEARCH r USING INDEX readings_by_device (device_id=? AND stream=?)',
      ].map(isIndexed),
    ).toEqual([false, false, false, false, true]);
  });
});
