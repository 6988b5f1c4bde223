import { z } from 'zod';
import { ShambaError } from '../errors/shamba-error.js';
import { quantityOf } from '../readings/quantities.js';
import { ReadingSchema, isReading, type Reading } from '../readings/reading.js';
import type { UpStream } from '../topics/topic.js';

/**
 * SenML JSON (RFC 8428) as devices send it. A pack may hold several samples (a device replaying
 * its flash queue); records that resolve to the same time form one reading, and each reading
 * carries its sequence number as a record named `seq` (unit `count`).
 *
 *   [{"bn":"soil-1:","bt":1764316800,"n":"seq","u":"count","v":42},
 *    {"n":"vwc10","u":"/","v":0.231},{"n":"vwc30","u":"/","v":0.262}]
 */

/** A pack is bounded so one message cannot make us build a huge object graph. */
export const MAX_SENML_RECORDS = 512;

// RFC 8428 §4.5.3: a time below 2^28 s is relative to "now". Devices must send absolute time.
const RELATIVE_TIME_LIMIT_S = 2 ** 28;

const SenmlRecordSchema = z
  .object({
    bn: z.string().max(128).optional(),
    bt: z.number().optional(),
    bu: z.string().max(16).optional(),
    bver: z.number().int().optional(),
    n: z.string().max(64).optional(),
    u: z.string().max(16).optional(),
    v: z.number().optional(),
    t: z.number().optional(),
  })
  .strict();

export const SenmlPackSchema = z.array(SenmlRecordSchema).min(1).max(MAX_SENML_RECORDS);
type SenmlRecord = z.infer<typeof SenmlRecordSchema>;

const MAX_LENGTH: Record<string, number> = { bn: 128, bu: 16, n: 64, u: 16 };

/**
 * True exactly when `SenmlPackSchema` accepts `value` as is (a property test holds them to the
 * same answers): the hot path's check, with zod asked only to explain a refusal.
 */
export function isSenmlPack(value: unknown): value is SenmlRecord[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_SENML_RECORDS) return false;
  for (const record of value as unknown[]) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
    for (const key in record) {
      const field = (record as Record<string, unknown>)[key];
      switch (key) {
        case 'bn':
        case 'bu':
        case 'n':
        case 'u':
          if (typeof field !== 'string' || field.length > MAX_LENGTH[key]!) return false;
          break;
        case 'bt':
        case 'v':
        case 't':
          if (!Number.isFinite(field)) return false;
          break;
        case 'bver':
          if (!Number.isSafeInteger(field)) return false;
          break;
        default:
          return false; // .strict(): no other members
      }
    }
  }
  return true;
}

export interface SenmlContext {
  deviceId: string;
  stream: UpStream;
}

export function baseNameFor(deviceId: string): string {
  return `${deviceId}:`;
}

// Without `stream`, decode() keeps no state between calls: one decoder serves every message.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeSenml(payload: Uint8Array, context: SenmlContext): Reading[] {
  let json: unknown;
  try {
    json = JSON.parse(UTF8.decode(payload));
  } catch (cause) {
    throw new ShambaError('INVALID_PAYLOAD', 'payload is not UTF-8 JSON', { cause });
  }
  if (!isSenmlPack(json)) {
    const parsed = SenmlPackSchema.safeParse(json);
    if (parsed.success) throw new ShambaError('INVALID_PAYLOAD', 'not a SenML pack');
    // The first three issues: a pack with an issue per record once made a 147 KB reason.
    const { issues } = parsed.error;
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more issues)` : '';
    throw new ShambaError(
      'INVALID_PAYLOAD',
      `not a SenML pack: ${z.prettifyError(new z.ZodError(issues.slice(0, 3)))}${more}`,
    );
  }

  const expectedBase = baseNameFor(context.deviceId);
  // Samples by device time, in order of first appearance (a pack mostly holds one).
  const times: number[] = [];
  const samples: { seq?: number; values: Record<string, number> }[] = [];
  // RFC 8428 §4.6: base fields apply to every later record until a record changes them.
  let baseName = '';
  let baseTime = 0;
  let baseUnit: string | undefined;
  for (const record of json) {
    if (record.bn !== undefined) baseName = record.bn;
    if (record.bt !== undefined) baseTime = record.bt;
    if (record.bu !== undefined) baseUnit = record.bu;
    const n = record.n ?? '';
    if (baseName === '' && n === '')
      throw new ShambaError('INVALID_PAYLOAD', 'record without a name');
    const value = record.v;
    if (value === undefined)
      throw new ShambaError('INVALID_PAYLOAD', `record "${baseName + n}" has no numeric value`);
    const timeS = baseTime + (record.t ?? 0);
    if (timeS < RELATIVE_TIME_LIMIT_S) {
      throw new ShambaError(
        'INVALID_PAYLOAD',
        `record "${baseName + n}" has a relative time; device clocks must be set`,
      );
    }
    // The name under the device's base name: "vwc10" of "soil-1:" + "vwc10".
    let local = n;
    if (baseName !== expectedBase) {
      const name = baseName + n;
      if (baseName !== '' && !name.startsWith(expectedBase)) {
        throw new ShambaError(
          'INVALID_PAYLOAD',
          `record name "${name}" is not under "${expectedBase}"`,
        );
      }
      local = baseName === '' ? name : name.slice(expectedBase.length);
    }
    const timeMs = Math.round(timeS * 1000);
    let at = times.indexOf(timeMs);
    if (at < 0) {
      at = times.push(timeMs) - 1;
      samples.push({ values: {} });
    }
    const sample = samples[at]!;
    if (local === 'seq') {
      if (sample.seq !== undefined)
        throw new ShambaError('INVALID_PAYLOAD', 'two seq records for one time');
      sample.seq = value;
      continue;
    }
    const quantity = quantityOf(context.stream, local);
    if (quantity === undefined) {
      throw new ShambaError(
        'INVALID_PAYLOAD',
        `unknown quantity "${local}" on stream ${context.stream}`,
      );
    }
    const unit = record.u ?? baseUnit;
    if (unit !== undefined && unit !== quantity.senmlUnit) {
      throw new ShambaError(
        'INVALID_PAYLOAD',
        `${local} must be in "${quantity.senmlUnit}", got "${unit}"`,
      );
    }
    if (Object.hasOwn(sample.values, local)) {
      throw new ShambaError('INVALID_PAYLOAD', `${local} appears twice for one time`);
    }
    // A scaled value is rounded to 9 significant digits, so that unit scaling does not invent
    // precision; a value in our own unit is kept as sent.
    sample.values[local] =
      quantity.scale === 1 ? value : Number((value * quantity.scale).toPrecision(9));
  }

  const order = times.map((_, i) => i);
  if (order.length > 1) order.sort((a, b) => times[a]! - times[b]!);
  const readings: Reading[] = [];
  for (const i of order) {
    const timeMs = times[i]!;
    const sample = samples[i]!;
    if (sample.seq === undefined) {
      throw new ShambaError(
        'INVALID_PAYLOAD',
        `sample at ${new Date(timeMs).toISOString()} has no seq record`,
      );
    }
    const reading = {
      deviceId: context.deviceId,
      stream: context.stream,
      timeMs,
      seq: sample.seq,
      values: sample.values,
    };
    if (!isReading(reading)) {
      const parsed = ReadingSchema.safeParse(reading);
      throw new ShambaError(
        'INVALID_PAYLOAD',
        parsed.success ? 'not a reading' : z.prettifyError(parsed.error),
      );
    }
    readings.push(reading);
  }
  return readings;
}

/** Encodes readings of one device and stream as one SenML pack. */
export function encodeSenml(readings: readonly Reading[]): Uint8Array {
  const first = readings[0];
  if (first === undefined) throw new ShambaError('INVALID_PAYLOAD', 'nothing to encode');
  const baseTimeS = first.timeMs / 1000;
  const records: SenmlRecord[] = [];
  for (const reading of readings) {
    if (reading.deviceId !== first.deviceId || reading.stream !== first.stream) {
      throw new ShambaError('INVALID_PAYLOAD', 'a SenML pack holds one device and one stream');
    }
    const seqRecord: SenmlRecord = { n: 'seq', u: 'count', v: reading.seq };
    if (records.length === 0) {
      Object.assign(seqRecord, { bn: baseNameFor(reading.deviceId), bt: baseTimeS });
    } else {
      seqRecord.t = (reading.timeMs - first.timeMs) / 1000;
    }
    records.push(seqRecord);
    for (const [name, value] of Object.entries(reading.values)) {
      const quantity = quantityOf(reading.stream, name);
      if (quantity === undefined) {
        throw new ShambaError(
          'INVALID_PAYLOAD',
          `unknown quantity "${name}" on stream ${reading.stream}`,
        );
      }
      const record: SenmlRecord = {
        n: name,
        u: quantity.senmlUnit,
        v: Number((value / quantity.scale).toPrecision(9)),
      };
      if (seqRecord.t !== undefined) record.t = seqRecord.t;
      records.push(record);
    }
  }
  return new TextEncoder().encode(JSON.stringify(records));
}
