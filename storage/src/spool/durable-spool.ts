import type { StoredReading } from '@shamba/schemas';
import { openDatabase } from '../sqlite/open-database.js';
import { readingFilter } from '../sqlite/reading-filter.js';
import type { ReadingQuery } from '../ports/time-series-store.js';

/**
 * Readings waiting to reach a remote store, in arrival order, on local disk (SQLite, WAL,
 * synchronous=FULL: durable once `append` returns). Lines a store refused for good are kept
 * apart with the reason, never silently dropped.
 */
const MIGRATIONS = [
  `CREATE TABLE spool (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT NOT NULL, stream TEXT NOT NULL, time_ms INTEGER NOT NULL, field_id TEXT,
     line TEXT NOT NULL, reading TEXT NOT NULL);
   CREATE TABLE spool_rejected (
     id INTEGER PRIMARY KEY, rejected_ms INTEGER NOT NULL, reason TEXT NOT NULL,
     line TEXT NOT NULL, reading TEXT NOT NULL);`,
];

export interface SpooledLine {
  id: number;
  line: string;
  reading: StoredReading;
}

export interface DurableSpool {
  append(entries: readonly { line: string; reading: StoredReading }[]): void;
  /** The oldest entries, in order. */
  head(limit: number): SpooledLine[];
  /** Removes delivered entries. */
  remove(ids: readonly number[]): void;
  /** Moves an entry the store will never accept out of the way, keeping it with the reason. */
  reject(entry: SpooledLine, reason: string, atMs: number): void;
  depth(): number;
  rejected(): { line: string; reason: string }[];
  /** Spooled readings matching a query, so a reader sees what is not yet delivered. */
  matching(query: ReadingQuery): StoredReading[];
  /**
   * A scan's page of the spool: one stream's readings in the window, by device time (a key
   * spooled twice: in arrival order, the later last), at most `limit`. No index on time: the
   * spool is short but for an outage, and a scan reads it once a page.
   */
  page(query: { stream: string; fromMs: number; toMs: number; limit: number }): StoredReading[];
  close(): void;
}

export function openDurableSpool(path: string): DurableSpool {
  const db = openDatabase(path, MIGRATIONS);
  const insert = db.prepare(
    'INSERT INTO spool (device_id, stream, time_ms, field_id, line, reading) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const appendAll = db.transaction(
    (entries: readonly { line: string; reading: StoredReading }[]) => {
      for (const { line, reading } of entries) {
        insert.run(
          reading.deviceId,
          reading.stream,
          reading.timeMs,
          reading.fieldId,
          line,
          JSON.stringify(reading),
        );
      }
    },
  );
  const removeAll = db.transaction((ids: readonly number[]) => {
    const del = db.prepare('DELETE FROM spool WHERE id = ?');
    for (const id of ids) del.run(id);
  });
  const rejectOne = db.transaction((entry: SpooledLine, reason: string, atMs: number) => {
    db.prepare(
      'INSERT INTO spool_rejected (id, rejected_ms, reason, line, reading) VALUES (?, ?, ?, ?, ?)',
    ).run(entry.id, atMs, reason, entry.line, JSON.stringify(entry.reading));
    db.prepare('DELETE FROM spool WHERE id = ?').run(entry.id);
  });
  return {
    append: (entries) => appendAll(entries),
    head: (limit) =>
      (
        db.prepare('SELECT id, line, reading FROM spool ORDER BY id LIMIT ?').all(limit) as {
          id: number;
          line: string;
          reading: string;
        }[]
      ).map((r) => ({ id: r.id, line: r.line, reading: JSON.parse(r.reading) as StoredReading })),
    remove: (ids) => removeAll(ids),
    reject: (entry, reason, atMs) => rejectOne(entry, reason, atMs),
    depth: () => (db.prepare('SELECT count(*) AS n FROM spool').get() as { n: number }).n,
    rejected: () =>
      db.prepare('SELECT line, reason FROM spool_rejected ORDER BY id').all() as {
        line: string;
        reason: string;
      }[],
    matching(query) {
      const { where, params } = readingFilter(query);
      const rows = db
        .prepare(`SELECT reading FROM spool WHERE ${where} ORDER BY id`)
        .all(params) as { reading: string }[];
      return rows.map((r) => JSON.parse(r.reading) as StoredReading);
    },
    page(query) {
      const rows = db
        .prepare(
          'SELECT reading FROM spool WHERE stream = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, id LIMIT ?',
        )
        .all(query.stream, query.fromMs, query.toMs, query.limit) as { reading: string }[];
      return rows.map((r) => JSON.parse(r.reading) as StoredReading);
    },
    close: () => db.close(),
  };
}
