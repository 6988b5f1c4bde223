import type { Logger } from 'pino';
import { truncateText, type ErrorCode, type StoredReading } from '@shamba/schemas';
import { MAX_DEAD_LETTER_REASON, type Registry } from '@shamba/storage';
import { MAX_FIELD_CHARS, createRefusalLog } from '../observability/refusal-log.js';

export interface DeadLetterInput {
  deviceId: string | null;
  coopId: string | null;
  topic: string;
  code: ErrorCode;
  /** Cut by the registry to MAX_DEAD_LETTER_REASON, and here for the log line. */
  reason: string;
  payload: Uint8Array;
  /** Repeats with one key fold into one row (see the registry's NewDeadLetter.foldKey). */
  foldKey?: string;
}

export interface DeadLetterWriter {
  /** Logs (once per device and code a minute, with a count) and stores one dead letter. */
  write(letter: DeadLetterInput): Promise<void>;
}

export interface DeadLetterWriterOptions {
  registry: Registry;
  logger: Logger;
  clock?: () => number;
}

/**
 * The one place a dead letter is written: the broker's refused and invalid messages and the
 * readings a time-series store refuses for good (InfluxDB's onRejected) go through it alike,
 * when the one writer is given to both (as `shamba ingest` does). Its log line is kept once a
 * minute per device and code, so a device's flood of bad messages is one line a minute.
 */
export function createDeadLetterWriter(options: DeadLetterWriterOptions): DeadLetterWriter {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  const refusals = createRefusalLog(logger, { clock });
  return {
    async write(letter) {
      // A refused publish's topic is whatever the client sent.
      const topic = truncateText(letter.topic, MAX_FIELD_CHARS);
      refusals.note(
        { source: letter.deviceId ?? letter.coopId ?? 'unknown', reason: letter.code },
        {
          deviceId: letter.deviceId,
          coopId: letter.coopId,
          topic,
          detail: truncateText(letter.reason, MAX_DEAD_LETTER_REASON),
        },
        'message dead-lettered',
      );
      await registry.deadLetters.add({
        receivedMs: clock(),
        deviceId: letter.deviceId,
        coopId: letter.coopId,
        topic,
        code: letter.code,
        reason: letter.reason,
        payload: letter.payload,
        ...(letter.foldKey === undefined ? {} : { foldKey: letter.foldKey }),
      });
    },
  };
}

export interface StoreRejectionOptions {
  deadLetters: DeadLetterWriter;
  /** The store's name, the dead letter's topic prefix (`influxdb:soil`). */
  store: string;
  /** Where a dead letter that could not be stored is logged. */
  logger: Logger;
}

/**
 * A time-series store's `onRejected` (InfluxDB's): a reading the store refused for good becomes
 * a dead letter like any other rejected reading, its JSON as the payload.
 */
export function deadLetterStoreRejections(
  options: StoreRejectionOptions,
): (reading: StoredReading, reason: string) => void {
  const { deadLetters, store, logger } = options;
  return (reading, reason) => {
    deadLetters
      .write({
        deviceId: reading.deviceId,
        coopId: reading.coopId,
        topic: `${store}:${reading.stream}`,
        code: 'STORE_REJECTED',
        reason,
        payload: new TextEncoder().encode(JSON.stringify(reading)),
      })
      .catch((error: unknown) =>
        logger.error(
          { deviceId: reading.deviceId, err: error instanceof Error ? error.message : error },
          'dead letter not stored',
        ),
      );
  };
}
