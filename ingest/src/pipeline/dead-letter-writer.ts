import type { Logger } from 'pino';
import type { ErrorCode } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { createRefusalLog, type RefusalLog } from '../broker/refusal-log.js';

/**
 * A reason is a sentence or the first few validation issues. 500 characters hold three zod
 * issues with their paths; anything longer was amplified from the payload (a 16 KB pack once
 * made a 147 KB reason, stored and logged) and is cut here, before the store and the log.
 */
export const MAX_REASON_CHARS = 500;
/** Our topics are six short levels (under 100 characters); a refused one may be anything. */
export const MAX_TOPIC_CHARS = 256;

export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `… (${text.length} characters)`;
  return `${text.slice(0, max - note.length)}${note}`;
}

export const boundReason = (reason: string) => boundText(reason, MAX_REASON_CHARS);

export interface DeadLetterInput {
  deviceId: string | null;
  coopId: string | null;
  topic: string;
  code: ErrorCode;
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
  /** Shared with the broker's other refusals, so one device's flood is one line a minute. */
  refusals?: RefusalLog;
}

/**
 * The one place a dead letter is written: the broker's refused and invalid messages and the
 * readings a time-series store refuses for good (InfluxDB's onRejected) go through it alike.
 */
export function createDeadLetterWriter(options: DeadLetterWriterOptions): DeadLetterWriter {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  const refusals = options.refusals ?? createRefusalLog(logger, { clock });
  return {
    async write(letter) {
      const reason = boundReason(letter.reason);
      const topic = boundText(letter.topic, MAX_TOPIC_CHARS);
      refusals.note(
        letter.deviceId ?? letter.coopId ?? 'unknown',
        letter.code,
        { deviceId: letter.deviceId, coopId: letter.coopId, topic, detail: reason },
        'message dead-lettered',
      );
      await registry.deadLetters.add({
        receivedMs: clock(),
        deviceId: letter.deviceId,
        coopId: letter.coopId,
        topic,
        code: letter.code,
        reason,
        payload: letter.payload,
        ...(letter.foldKey === undefined ? {} : { foldKey: letter.foldKey }),
      });
    },
  };
}
