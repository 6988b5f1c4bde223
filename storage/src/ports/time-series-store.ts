import type { StoredReading, UpStream } from '@shamba/schemas';

export interface ReadingQuery {
  /** Readings enriched with this field. */
  fieldId?: string;
  /** Or readings from these devices. */
  deviceIds?: readonly string[];
  stream?: UpStream;
  /** Device-time window, inclusive start, exclusive end. */
  fromMs: number;
  toMs: number;
  /** Newest readings first are dropped past this; results stay oldest first. */
  limit?: number;
}

/**
 * A scan of one cooperative's readings of one stream, for exports: every reading in the window,
 * oldest first (ties by device id), a page at a time.
 */
export interface ReadingScan {
  coopId: string;
  /** One stream per scan: each stream has its own quantities (and InfluxDB measurement). */
  stream: UpStream;
  /** Device-time window, inclusive start, exclusive end. */
  fromMs: number;
  toMs: number;
  /**
   * Readings per page (default SCAN_PAGE_SIZE): what a scan holds in memory at once. A page holds
   * at most twice this (InfluxDB's pages end at an instant, and merge its spool's), more only
   * when one instant of the stream holds more readings.
   */
  pageSize?: number;
}

/**
 * 5,000 readings of ~300 bytes each: ~1.5 MB a page, and about InfluxDB's recommended batch;
 * larger pages save little (one indexed query each), smaller ones pay a query per few rows.
 */
export const SCAN_PAGE_SIZE = 5000;

/**
 * What a store says about itself, for metrics and health checks. Each member is optional: a store
 * reports what it has (a spool, an inbox), and a reader treats an absent one as "none".
 */
export interface TimeSeriesStatus {
  /** Readings durable on local disk, not yet delivered to a remote database (InfluxDB's spool). */
  spoolDepth?: number;
  /** Readings durable in an inbox, not yet merged into the indexed table (SQLite's inbox). */
  inboxDepth?: number;
  /** The last delivery or merge failure; null once an attempt succeeds again. */
  lastError?: string | null;
}

/**
 * The time-series port. Readings are keyed by (deviceId, stream, timeMs): writing the same key
 * again overwrites, so resends and replays never duplicate.
 */
export interface TimeSeriesStore {
  readonly kind: string;
  /** Resolves once the readings are durable (they survive a crash of this process). */
  write(readings: readonly StoredReading[]): Promise<void>;
  /** Oldest first. */
  query(query: ReadingQuery): Promise<StoredReading[]>;
  /**
   * Every reading a scan selects, in pages. The next page is read only when the consumer asks
   * for it (`for await` pulls), so an export of millions of readings holds one page at a time.
   * Readings written during the scan after its position are included, earlier ones are not.
   */
  scan(scan: ReadingScan): AsyncIterable<StoredReading[]>;
  /** Rejects with STORE_UNAVAILABLE when the store cannot be reached. */
  ping(): Promise<void>;
  /**
   * Optional, and synchronous: a metrics scrape calls it (`shamba_spool_depth`), so it reads
   * local state only and never waits on a server.
   */
  status?(): TimeSeriesStatus;
  close(): Promise<void>;
}
