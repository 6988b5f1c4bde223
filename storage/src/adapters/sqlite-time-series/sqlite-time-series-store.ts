import { ShambaError, type StoredReading } from '@shamba/schemas';
import type { Statement } from 'better-sqlite3';
import { openDatabase } from '../../sqlite/open-database.js';
import { readingFilter } from '../../sqlite/reading-filter.js';
import type { ReadingQuery, TimeSeriesStore } from '../../ports/time-series-store.js';
import { createInboxMerger } from './inbox-merger.js';
import { fromRow, type ReadingRow } from './reading-row.js';
import { createReadingScanner } from './scan-readings.js';

export const TIME_SERIES_MIGRATIONS = [
  `CREATE TABLE readings (
     device_id   TEXT    NOT NULL,
     stream      TEXT    NOT NULL,
     time_ms     INTEGER NOT NULL,
     seq         INTEGER NOT NULL,
     coop_id     TEXT    NOT NULL,
     field_id    TEXT,
     zone_id     TEXT,
     received_ms INTEGER NOT NULL,
     values_json TEXT    NOT NULL,
     PRIMARY KEY (device_id, stream, time_ms)
   ) WITHOUT ROWID;
   CREATE INDEX readings_by_field ON readings (field_id, stream, time_ms);`,
  // Clustered by device time instead of by device: readings arrive in time order, so a group
  // commit of a thousand devices' readings appends to a few pages instead of dirtying a page per
  // device (each dirty page is 4 KB of WAL, and wear on a box's SD card). The key, and so the
  // upsert, is the same (device, stream, device time); devices are found through an index.
  // Writing batches of 1,000 devices' readings until the table held 120,000 rows, a reading cost
  // 6 us at first and 25 us at the end before, 4 and 8 after.
  `CREATE TABLE readings_by_time (
     device_id   TEXT    NOT NULL,
     stream      TEXT    NOT NULL,
     time_ms     INTEGER NOT NULL,
     seq         INTEGER NOT NULL,
     coop_id     TEXT    NOT NULL,
     field_id    TEXT,
     zone_id     TEXT,
     received_ms INTEGER NOT NULL,
     values_json TEXT    NOT NULL,
     PRIMARY KEY (time_ms, device_id, stream)
   ) WITHOUT ROWID;
   INSERT INTO readings_by_time
     SELECT device_id, stream, time_ms, seq, coop_id, field_id, zone_id, received_ms, values_json
     FROM readings;
   DROP TABLE readings;
   ALTER TABLE readings_by_time RENAME TO readings;
   CREATE INDEX readings_by_field ON readings (field_id, stream, time_ms);
   CREATE INDEX readings_by_device ON readings (device_id, stream, time_ms);`,
];

/**
 * The inbox, a file of its own beside the readings (`timeseries.inbox.sqlite`): readings are
 * committed here first, into a table with no index but its time-ordered key, so a group commit
 * appends to a few pages. Batches of them are merged into `readings` later, by another thread,
 * when each page of the device index takes several readings at once instead of one page per
 * device per commit.
 *
 * `generation` numbers the write transactions, in the order they commit: the counter is a row of
 * the inbox file, taken inside each write, so even two processes writing one store number their
 * writes in one order. A merge moves the rows up to a generation already committed, which its
 * snapshot of the inbox therefore holds, then deletes exactly those: a row committed later, or a
 * resend upserted meanwhile (it takes its write's newer generation), stays for the next merge.
 */
export const INBOX_MIGRATIONS = [
  `CREATE TABLE readings_inbox (
     device_id   TEXT    NOT NULL,
     stream      TEXT    NOT NULL,
     time_ms     INTEGER NOT NULL,
     seq         INTEGER NOT NULL,
     coop_id     TEXT    NOT NULL,
     field_id    TEXT,
     zone_id     TEXT,
     received_ms INTEGER NOT NULL,
     values_json TEXT    NOT NULL,
     generation  INTEGER NOT NULL,
     PRIMARY KEY (time_ms, device_id, stream)
   ) WITHOUT ROWID;
   CREATE TABLE inbox_generation (n INTEGER NOT NULL);
   INSERT INTO inbox_generation (n) VALUES (0);`,
];

const COLUMNS =
  'device_id, stream, time_ms, seq, coop_id, field_id, zone_id, received_ms, values_json';
// Upsert: the key is (device, stream, device time), so a resend overwrites (ARCHITECTURE.md).
const UPSERT = `ON CONFLICT (time_ms, device_id, stream) DO UPDATE SET
  seq = excluded.seq, coop_id = excluded.coop_id, field_id = excluded.field_id,
  zone_id = excluded.zone_id, received_ms = excluded.received_ms, values_json = excluded.values_json`;
/** Moves the inbox's rows up to a generation into the indexed table (the inbox's are newer). */
const MOVE_SQL = `INSERT INTO main.readings (${COLUMNS})
  SELECT ${COLUMNS} FROM inbox.readings_inbox WHERE generation <= ? ${UPSERT}`;

export interface SqliteTimeSeriesOptions {
  /** The database file, e.g. `<data dir>/timeseries.sqlite`; the inbox is kept beside it. */
  path: string;
  /** The inbox is merged (by a worker thread) once it holds this many readings... */
  mergeRows?: number;
  /** ...or (on the calling thread: it is small then) this long after its first unmerged write. */
  mergeAfterMs?: number;
}

/**
 * Writing 200,000 readings of 1,000 devices in commits of 700 (this machine, one thread): 7-12 us
 * a reading straight into the indexed table; 4-5 us through an inbox merged every 8,192 readings,
 * of which 2-3 us is the merge, which then runs on the merger's thread. A larger inbox saves
 * little more, and queries read it by its time key (see QUERY_INBOX_ROWS).
 */
const DEFAULT_MERGE_ROWS = 8192;
/**
 * A query reads the inbox by its time key: every row in its window, of every device, since the
 * inbox has no index by field or device. Two such indexes would cost each commit before a PUBACK
 * (in the write test above a reading cost two to three times as much with them: every commit
 * dirties most of their pages). So a query that finds more rows than this waits for a merge
 * first, which runs on the merger's thread. Scanning 1,024 inbox rows costs about 0.05 ms, about
 * what the query itself does; 8,192 cost 0.4 ms, and an inbox left to grow costs that much more
 * at every query.
 */
export const QUERY_INBOX_ROWS = 1024;
/**
 * Merges a query waits for at most: the one running when it came (it may have begun before the
 * rows the query found), then one of those rows, and one more if writes refilled the inbox
 * meanwhile. Past these (a sustained ingest) the query reads the inbox as it is: slower, still
 * right.
 */
const QUERY_MERGE_ROUNDS = 3;
/**
 * Prepared queries kept. A query's text depends only on its shape (field or devices, how many
 * devices, stream, limit): a handful in use, and compiling the union (~80 us) costs more than
 * running it on an index (~50 us). Past this many (callers with many device counts) all are
 * dropped and compiled again as used.
 */
const MAX_STATEMENTS = 64;
/** A quiet cooperative (a reading per device every 15 minutes) still merges within a minute. */
const DEFAULT_MERGE_AFTER_MS = 60_000;

/** `<dir>/timeseries.sqlite` -> `<dir>/timeseries.inbox.sqlite`. */
export function inboxPathFor(path: string): string {
  if (path === ':memory:') throw new Error('the SQLite time-series store needs a file');
  return `${path.replace(/\.sqlite$/, '')}.inbox.sqlite`;
}

export function createSqliteTimeSeriesStore(
  options: SqliteTimeSeriesOptions,
): Promise<TimeSeriesStore> {
  const inboxPath = inboxPathFor(options.path);
  openDatabase(inboxPath, INBOX_MIGRATIONS).close();
  const db = openDatabase(options.path, TIME_SERIES_MIGRATIONS);
  db.prepare('ATTACH DATABASE ? AS inbox').run(inboxPath);
  // A PUBACK waits for the inbox commit: it must reach the disk (see openDatabase).
  db.pragma('inbox.synchronous = FULL');
  const mergeRows = options.mergeRows ?? DEFAULT_MERGE_ROWS;
  const mergeAfterMs = options.mergeAfterMs ?? DEFAULT_MERGE_AFTER_MS;

  const insert = db.prepare(
    `INSERT INTO inbox.readings_inbox (${COLUMNS}, generation)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${UPSERT}, generation = excluded.generation`,
  );
  const nextGeneration = db.prepare('UPDATE inbox.inbox_generation SET n = n + 1 RETURNING n');
  const lastGeneration = db.prepare('SELECT n FROM inbox.inbox_generation');
  /** The newest generation committed, by this process or another. */
  const committed = () => (lastGeneration.get() as { n: number }).n;
  const writeAll = db.transaction((readings: readonly StoredReading[]) => {
    const generation = (nextGeneration.get() as { n: number }).n;
    for (const r of readings) {
      // Positional: no parameter object per reading (this runs for every reading ingested).
      insert.run(
        r.deviceId,
        r.stream,
        r.timeMs,
        r.seq,
        r.coopId,
        r.fieldId,
        r.zoneId,
        r.receivedMs,
        JSON.stringify(r.values),
        generation,
      );
    }
  });
  const move = db.prepare(MOVE_SQL);
  const moveHere = db.transaction((upTo: number) => move.run(upTo));
  // After the move has committed in the readings file: a crash in between leaves the rows in
  // both, and the inbox's copy wins (see readingsQuery) until the next merge moves it again.
  const deleteMerged = db.prepare('DELETE FROM inbox.readings_inbox WHERE generation <= ?');
  const merger = createInboxMerger({ path: options.path, inboxPath, moveSql: MOVE_SQL });
  /** The inbox's rows, counted up to one past QUERY_INBOX_ROWS (by any process's writes). */
  const inboxRows = db
    .prepare(
      `SELECT count(*) FROM (SELECT 1 FROM inbox.readings_inbox LIMIT ${QUERY_INBOX_ROWS + 1})`,
    )
    .pluck();
  /**
   * Every inbox row, for status(): a count over the inbox's key, which merges keep at about
   * mergeRows (8,192 rows: well under a millisecond) and a metrics scrape asks every 15 s or so.
   */
  const inboxDepth = db.prepare('SELECT count(*) FROM inbox.readings_inbox').pluck();

  let unmerged = 0; // rows written since the last merge began
  let merging: Promise<void> | undefined;
  let quietTimer: NodeJS.Timeout | undefined;
  let mergeError: unknown;
  let closing = false;

  /**
   * On this thread: at open (what a crash left), when quiet, and at close; never while the
   * merger works (no quiet timer is set meanwhile, and close waits for it).
   */
  const mergeHere = () => {
    const upTo = committed();
    moveHere(upTo);
    deleteMerged.run(upTo);
    unmerged = 0;
  };
  const mergeQuietly = () => {
    quietTimer = undefined;
    try {
      mergeHere();
      mergeError = undefined;
    } catch (cause) {
      mergeError = cause; // the rows stay in the inbox, durable and queried
    }
  };
  const mergeInWorker = () => {
    clearTimeout(quietTimer);
    quietTimer = undefined;
    const upTo = committed();
    const rows = unmerged;
    unmerged = 0;
    merging = merger
      .merge(upTo)
      .then(
        () => {
          try {
            deleteMerged.run(upTo);
            mergeError = undefined;
          } catch (cause) {
            mergeError = cause; // moved but not deleted: the inbox's copies still win
          }
        },
        (cause: unknown) => {
          mergeError = cause;
          unmerged += rows;
        },
      )
      .finally(() => {
        merging = undefined;
        scheduleMerge();
      });
  };
  const scheduleMerge = () => {
    if (closing || merging !== undefined || unmerged === 0) return;
    if (unmerged >= mergeRows) mergeInWorker();
    else quietTimer ??= setTimeout(mergeQuietly, mergeAfterMs).unref();
  };
  /** Prepared queries by their text: a pass runs a few shapes for every field. */
  const statements = new Map<string, Statement>();
  /** Before a query: an inbox too large to read by its time key is merged (see QUERY_INBOX_ROWS). */
  const mergeBeforeReading = async () => {
    for (let round = 0; round < QUERY_MERGE_ROUNDS && !closing; round++) {
      if ((inboxRows.get() as number) <= QUERY_INBOX_ROWS) return;
      if (merging === undefined) mergeInWorker();
      await merging;
      if (mergeError !== undefined) return; // the inbox is read as it is (ping reports the error)
    }
  };
  mergeHere();
  const scan = createReadingScanner(db, mergeBeforeReading);

  const store: TimeSeriesStore = {
    kind: 'sqlite',
    write(readings) {
      try {
        writeAll(readings);
      } catch (cause) {
        return Promise.reject(
          new ShambaError('STORE_UNAVAILABLE', 'SQLite write failed', { cause }),
        );
      }
      unmerged += readings.length;
      merger.poll();
      scheduleMerge();
      return Promise.resolve();
    },
    async query(query) {
      await mergeBeforeReading();
      const { sql, params } = readingsQuery(query);
      let statement = statements.get(sql);
      if (statement === undefined) {
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statement = db.prepare(sql);
        statements.set(sql, statement);
      }
      const rows = statement.all(params) as ReadingRow[];
      return rows.reverse().map(fromRow);
    },
    scan,
    status: () => ({
      inboxDepth: inboxDepth.get() as number,
      lastError:
        mergeError === undefined
          ? null
          : mergeError instanceof Error
            ? mergeError.message
            : 'merging the SQLite inbox failed',
    }),
    ping() {
      db.prepare('SELECT 1').get();
      if (mergeError !== undefined)
        return Promise.reject(
          new ShambaError('STORE_UNAVAILABLE', 'merging the SQLite inbox failed', {
            cause: mergeError,
          }),
        );
      return Promise.resolve();
    },
    async close() {
      closing = true;
      clearTimeout(quietTimer);
      await merging;
      await merger.close();
      try {
        mergeHere();
      } finally {
        db.close();
      }
    },
  };
  return Promise.resolve(store);
}

/**
 * The inbox (`i`) and the indexed table (`r`) together; a key in both (resent after its first
 * version was merged) is read from the inbox, which has the newer version. The table is read by
 * its field or device index; the inbox by its time key, which mergeBeforeReading keeps short.
 * Exported for the test of its query plans.
 */
export function readingsQuery(query: ReadingQuery): { sql: string; params: unknown[] } {
  const { where, params } = readingFilter(query);
  // Newest first so that LIMIT keeps the latest; the caller gets them oldest first.
  let sql = `SELECT * FROM (
      SELECT ${COLUMNS} FROM inbox.readings_inbox AS i WHERE ${where}
      UNION ALL
      SELECT ${COLUMNS} FROM main.readings AS r WHERE ${where} AND NOT EXISTS (
        SELECT 1 FROM inbox.readings_inbox AS i
        WHERE i.time_ms = r.time_ms AND i.device_id = r.device_id AND i.stream = r.stream))
    ORDER BY time_ms DESC, device_id DESC`;
  params.push(...params);
  if (query.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(query.limit);
  }
  return { sql, params };
}
