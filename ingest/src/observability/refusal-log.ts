import type { Logger } from 'pino';
import { truncateText } from '@shamba/schemas';
import { LruMap } from '../limits/lru-map.js';

/**
 * Characters kept of a short text from outside (a topic, a client id, an error message) in a
 * log line or a dead letter. Our topics are six short levels and our ids under 64 characters,
 * so 256 shows any legitimate one whole; a hostile one cannot make a line or a row long.
 */
export const MAX_FIELD_CHARS = 256;

/**
 * Logs a refusal once per source (a device, an address) and reason per window, and counts the
 * repeats in between: the next line for that pair carries `suppressed`, the number it stands
 * for. A client refused over and over (a subscription flood once wrote a stack trace per
 * packet) costs a line a minute; the metrics count every refusal. Never a stack: a refusal is
 * the client's doing, not a fault of ours.
 */
export interface RefusalLog {
  /** `fields` and `message` as pino takes them; `refusal` is the pair lines are counted by. */
  note(refusal: Refusal, fields: Record<string, unknown>, message: string): void;
}

/** Who was refused (a device id, an address) and why: one log line per pair per window. */
export interface Refusal {
  source: string;
  reason: string;
}

export interface RefusalLogOptions {
  clock: () => number;
  /** A minute: an operator watching the log sees an ongoing flood, once a minute per source. */
  windowMs?: number;
  /** Sources remembered; past it the least recent are forgotten (and logged again if seen). */
  maxSources?: number;
  /** `error` for failures of ours (a store that refuses commits), `warn` for clients' doing. */
  level?: 'warn' | 'error';
}

export function createRefusalLog(logger: Logger, options: RefusalLogOptions): RefusalLog {
  const windowMs = options.windowMs ?? 60_000;
  const seen = new LruMap<string, { sinceMs: number; suppressed: number }>(
    options.maxSources ?? 4096,
  );
  return {
    note({ source, reason }, fields, message) {
      const key = `${source}\u0000${reason}`;
      const now = options.clock();
      const entry = seen.get(key);
      if (entry !== undefined && now - entry.sinceMs < windowMs) {
        entry.suppressed++;
        return;
      }
      seen.set(key, { sinceMs: now, suppressed: 0 });
      const suppressed = entry?.suppressed ?? 0;
      logger[options.level ?? 'warn'](
        { ...fields, reason, ...(suppressed > 0 ? { suppressed } : {}) },
        message,
      );
    },
  };
}

/** An error as a log field: its message only (no stack, no cause chain), cut. */
export function errorText(error: unknown): string {
  return truncateText(error instanceof Error ? error.message : String(error), MAX_FIELD_CHARS);
}
