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
 * The time-series port. Readings are keyed by (deviceId, stream, timeMs): writing the same key
 * again overwrites, so resends and replays never duplicate.
 */
export interface TimeSeriesStore {
  readonly kind: string;
  /** Resolves once the readings are durable (they survive a crash of this process). */
  write(readings: readonly StoredReading[]): Promise<void>;
  /** Oldest first. */
  query(query: ReadingQuery): Promise<StoredReading[]>;
  /** Rejects with STORE_UNAVAILABLE when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
