import { z } from 'zod';
import { ShambaError } from '../errors/shamba-error.js';
import { IdSchema, isId } from '../topics/ids.js';
import { UP_STREAMS, isUpStream } from '../topics/topic.js';
import { quantityOf } from './quantities.js';

/** Earliest plausible device time: a device reporting earlier has never had its clock set. */
export const EARLIEST_READING_MS = Date.UTC(2020, 0, 1);

/** One sample from one device on one stream, in canonical units. */
export const ReadingSchema = z.object({
  deviceId: IdSchema,
  stream: z.enum(UP_STREAMS),
  /** Device time (UTC ms since epoch), not arrival time. */
  timeMs: z.number().int().min(EARLIEST_READING_MS),
  /** Per-device sequence number, as the firmware counts it (uint32, wraps). */
  seq: z.number().int().min(0).max(0xffff_ffff),
  values: z.record(z.string(), z.number()),
});
export type Reading = z.infer<typeof ReadingSchema>;

/**
 * True exactly when `ReadingSchema` accepts `value` as is: the ingest's hot path checks every
 * reading this way and asks zod only to explain a refusal (zod's parse allocates a few KB per
 * message, which at thousands of messages a second is most of the broker's garbage). A property
 * test holds the two to the same answers.
 */
export function isReading(value: unknown): value is Reading {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  if (typeof r.deviceId !== 'string' || !isId(r.deviceId)) return false;
  if (typeof r.stream !== 'string' || !isUpStream(r.stream)) return false;
  if (!Number.isSafeInteger(r.timeMs) || (r.timeMs as number) < EARLIEST_READING_MS) return false;
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 0 || (r.seq as number) > 0xffff_ffff)
    return false;
  const values = r.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return false;
  for (const key in values) {
    if (!Number.isFinite((values as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** A reading after enrichment from the registry: where it was taken. */
export interface StoredReading extends Reading {
  coopId: string;
  fieldId: string | null;
  zoneId: string | null;
  /** Broker time when it was committed. */
  receivedMs: number;
}

export interface ReadingChecks {
  nowMs: number;
  /** How far ahead of the broker clock a device clock may run before its data is refused. */
  maxFutureMs: number;
}

/**
 * Schema and physical-range checks shared by every codec. Throws ShambaError with the first
 * problem found so a dead letter says exactly what was wrong.
 */
export function checkReading(reading: Reading, checks: ReadingChecks): Reading {
  const names = Object.keys(reading.values);
  if (names.length === 0) {
    throw new ShambaError('INVALID_PAYLOAD', 'reading has no values');
  }
  for (const name of names) {
    const quantity = quantityOf(reading.stream, name);
    if (quantity === undefined) {
      throw new ShambaError(
        'INVALID_PAYLOAD',
        `unknown quantity "${name}" on stream ${reading.stream}`,
      );
    }
    const value = reading.values[name]!;
    if (!Number.isFinite(value)) {
      throw new ShambaError('INVALID_PAYLOAD', `${name} is not a finite number`);
    }
    if (value < quantity.min || value > quantity.max) {
      throw new ShambaError(
        'OUT_OF_RANGE',
        `${name}=${value} is outside ${quantity.min}..${quantity.max}`,
        { details: { name, value } },
      );
    }
  }
  if (reading.timeMs > checks.nowMs + checks.maxFutureMs) {
    throw new ShambaError(
      'TIME_IN_FUTURE',
      `device time ${new Date(reading.timeMs).toISOString()} is ahead of broker time ${new Date(checks.nowMs).toISOString()}`,
    );
  }
  return reading;
}
