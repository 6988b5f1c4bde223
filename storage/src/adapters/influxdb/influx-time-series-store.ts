import { ShambaError, UP_STREAMS, type StoredReading, type UpStream } from '@shamba/schemas';
import type {
  ReadingQuery,
  TimeSeriesStatus,
  TimeSeriesStore,
} from '../../ports/time-series-store.js';
import { openDurableSpool, type SpooledLine } from '../../spool/durable-spool.js';
import { connectInflux, type InfluxConnection, type InfluxSeries } from './influx-http.js';
import { createInfluxScanner } from './influx-scan.js';
import { TAG_KEYS, toLineProtocol } from './line-protocol.js';

export interface InfluxStoreOptions extends InfluxConnection {
  /** 1.x database (or 2.x bucket, `db/rp` form accepted by v1 compatibility). */
  database: string;
  /** The durable spool in front of InfluxDB, e.g. `<data dir>/influx-spool.sqlite`. */
  spoolPath: string;
  /** Lines per write. InfluxDB's guidance is 5,000-10,000 lines per batch. */
  batchSize?: number;
  /** Retry delays while InfluxDB is down or busy: doubling from base to cap. */
  retry?: { baseMs: number; capMs: number };
  /** Called for a reading InfluxDB refused for good (400 for that one line). */
  onRejected?: (reading: StoredReading, reason: string) => void;
  /** Called when InfluxDB refuses our credentials (401/403): nothing is dropped meanwhile. */
  onAlert?: (message: string) => void;
  clock?: () => number;
}

export interface InfluxStatus extends TimeSeriesStatus {
  serverVersion: string;
  spoolDepth: number;
  lastError: string | null;
  /** InfluxDB refused our credentials (401/403) at the last attempt. */
  unauthorized: boolean;
}

export interface InfluxTimeSeriesStore extends TimeSeriesStore {
  spoolDepth(): number;
  /** Resolves when the spool is empty (every reading delivered or rejected). */
  drained(): Promise<void>;
  /** The port's status (the spool's depth, the last error) and what InfluxDB alone has. */
  status(): InfluxStatus;
  rejected(): { line: string; reason: string }[];
}

const DEFAULT_RETRY = { baseMs: 500, capMs: 30_000 };
const FIELD_COLUMNS = new Set(['seq', 'received_ms']);

/**
 * Time series in InfluxDB behind a durable spool: `write` resolves once readings are on local
 * disk, and a drainer delivers them in order. While InfluxDB is down, slow, or answers 429/5xx,
 * readings wait and are retried with backoff; a 400 is bisected until the bad lines are found,
 * and only those are set aside; a 413 splits the batch; a 401/403 raises an alert and drops
 * nothing.
 */
export async function createInfluxTimeSeriesStore(
  options: InfluxStoreOptions,
): Promise<InfluxTimeSeriesStore> {
  const influx = await connectInflux(options);
  const spool = openDurableSpool(options.spoolPath);
  const batchSize = options.batchSize ?? 5000;
  const retry = options.retry ?? DEFAULT_RETRY;
  const clock = options.clock ?? Date.now;
  let closed = false;
  let wake: () => void = () => undefined;
  let lastError: string | null = null;
  let unauthorized = false;
  let databaseReady = false;
  const drainWaiters: (() => void)[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });

  /** Delivers `entries`; returns false if the server is unavailable (retry later, same order). */
  async function deliver(entries: SpooledLine[]): Promise<boolean> {
    // The database is created before the first write (idempotent), and again after an error.
    const created = databaseReady
      ? { ok: true as const }
      : await influx.createDatabase(options.database);
    if (created.ok) databaseReady = true;
    const outcome = created.ok
      ? await influx.write(
          options.database,
          entries.map((e) => e.line),
        )
      : created;
    if (outcome.ok) {
      spool.remove(entries.map((e) => e.id));
      lastError = null;
      unauthorized = false;
      return true;
    }
    lastError = `${outcome.status ?? 'network'}: ${outcome.message}`;
    switch (outcome.kind) {
      case 'rejected':
      case 'too-large':
        if (entries.length === 1) {
          if (outcome.kind === 'rejected') {
            spool.reject(entries[0]!, outcome.message, clock());
            options.onRejected?.(entries[0]!.reading, outcome.message);
            return true;
          }
          return false; // one line too large for the server: keep it, and say so
        }
        // Bisect: the good lines go through, the bad ones are found in log2(n) rounds.
        {
          const half = Math.ceil(entries.length / 2);
          return (await deliver(entries.slice(0, half))) && (await deliver(entries.slice(half)));
        }
      case 'unauthorized':
        unauthorized = true;
        options.onAlert?.(
          `InfluxDB refused our credentials (${outcome.status}); readings are kept in the spool`,
        );
        return false;
      case 'unavailable':
        return false;
    }
  }

  async function drain(): Promise<void> {
    let attempt = 0;
    while (!closed) {
      const batch = spool.head(batchSize);
      if (batch.length === 0) {
        for (const resolve of drainWaiters.splice(0)) resolve();
        await sleep(60_000);
        continue;
      }
      let ok = false;
      try {
        ok = await deliver(batch);
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        databaseReady = false;
      }
      if (ok) attempt = 0;
      else await sleep(Math.min(retry.capMs, retry.baseMs * 2 ** attempt++));
    }
  }
  const draining = drain();

  async function query(q: ReadingQuery): Promise<StoredReading[]> {
    const streams: readonly UpStream[] = q.stream === undefined ? UP_STREAMS : [q.stream];
    const where = [`time >= ${Math.floor(q.fromMs)}ms`, `time < ${Math.floor(q.toMs)}ms`];
    if (q.fieldId !== undefined) where.push(`"field" = ${quote(q.fieldId)}`);
    if (q.deviceIds !== undefined) {
      if (q.deviceIds.length === 0) return [];
      where.push(`(${q.deviceIds.map((d) => `"device" = ${quote(d)}`).join(' OR ')})`);
    }
    const statement = `SELECT * FROM ${streams.map((s) => `"${s}"`).join(',')} WHERE ${where.join(' AND ')} ORDER BY time DESC${q.limit === undefined ? '' : ` LIMIT ${Math.floor(q.limit)}`}`;
    // The spool is read before InfluxDB is asked: a batch the drain delivers while the query is
    // in flight leaves the spool, so read after, it would be in neither answer.
    const spooled = spool.matching(q);
    let stored: StoredReading[];
    try {
      stored = (await influx.query(options.database, statement)).flatMap(fromSeries);
    } catch (cause) {
      if (/database not found/.test(String(cause))) stored = [];
      else throw new ShambaError('STORE_UNAVAILABLE', 'InfluxDB query failed', { cause });
    }
    // What is still in the spool is newer than what InfluxDB has for the same key.
    const byKey = new Map<string, StoredReading>();
    for (const r of [...stored, ...spooled])
      byKey.set(`${r.deviceId}\u0000${r.stream}\u0000${r.timeMs}`, r);
    let merged = [...byKey.values()].sort(
      (a, b) => b.timeMs - a.timeMs || b.deviceId.localeCompare(a.deviceId),
    );
    if (q.limit !== undefined) merged = merged.slice(0, q.limit);
    return merged.reverse();
  }

  const scan = createInfluxScanner({
    async select(statement) {
      try {
        return (await influx.query(options.database, statement)).flatMap(fromSeries);
      } catch (cause) {
        if (/database not found/.test(String(cause))) return [];
        throw new ShambaError('STORE_UNAVAILABLE', 'InfluxDB query failed', { cause });
      }
    },
    spool,
    quote,
  });

  return {
    kind: 'influxdb',
    write(readings) {
      try {
        spool.append(readings.map((reading) => ({ line: toLineProtocol(reading), reading })));
      } catch (cause) {
        return Promise.reject(
          new ShambaError('STORE_UNAVAILABLE', 'spool write failed', { cause }),
        );
      }
      wake();
      return Promise.resolve();
    },
    query,
    scan,
    async ping() {
      try {
        await influx.ping();
      } catch (cause) {
        throw new ShambaError('STORE_UNAVAILABLE', 'InfluxDB does not answer /ping', { cause });
      }
    },
    spoolDepth: () => spool.depth(),
    drained: () =>
      spool.depth() === 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            drainWaiters.push(resolve);
            wake();
          }),
    status: () => ({
      serverVersion: influx.version,
      spoolDepth: spool.depth(),
      lastError,
      unauthorized,
    }),
    rejected: () => spool.rejected(),
    async close() {
      closed = true;
      wake();
      await draining;
      spool.close();
    },
  };
}

/** InfluxQL string literal (single quotes; backslash and quote escaped). */
function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function fromSeries(series: InfluxSeries): StoredReading[] {
  const stream = series.name as UpStream;
  return series.values.map((row) => {
    const record = Object.fromEntries(series.columns.map((c, i) => [c, row[i] ?? null])) as Record<
      string,
      string | number | null
    >;
    const values: Record<string, number> = {};
    for (const [column, value] of Object.entries(record)) {
      if (
        column === 'time' ||
        FIELD_COLUMNS.has(column) ||
        (TAG_KEYS as readonly string[]).includes(column)
      )
        continue;
      if (typeof value === 'number') values[column] = value;
    }
    return {
      deviceId: String(record.device),
      stream,
      timeMs: Number(record.time),
      seq: Number(record.seq),
      values,
      coopId: String(record.coop),
      // A tag column is absent, or null on a row, where points did not carry that tag.
      fieldId: record.field == null || record.field === '' ? null : String(record.field),
      zoneId: record.zone == null || record.zone === '' ? null : String(record.zone),
      receivedMs: Number(record.received_ms),
    };
  });
}
