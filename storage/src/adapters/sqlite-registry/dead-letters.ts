import { createHash } from 'node:crypto';
import { truncateText } from '@shamba/schemas';
import type { DeadLetter, NewDeadLetter, Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/**
 * Dead letters kept per cooperative before its oldest go: bounded so a flood cannot fill the
 * disk, and per cooperative so one tenant's flood cannot evict another's letters.
 */
export const DEFAULT_MAX_DEAD_LETTERS = 10_000;
/**
 * Per device: a tenth of its cooperative's share, so one device gone wrong leaves room for the
 * letters of the cooperative's other devices.
 */
export const DEFAULT_MAX_DEAD_LETTERS_PER_DEVICE = 1_000;
/**
 * A reason is a sentence or the first few validation issues: 500 characters hold three zod
 * issues with their paths. A longer one was amplified from the payload and is cut.
 */
export const MAX_DEAD_LETTER_REASON = 500;
/**
 * The first 4 KiB of a message show what went wrong (a SenML pack's head, an NMEA sentence);
 * 10,000 letters of a cooperative then hold at most 40 MiB.
 */
export const MAX_DEAD_LETTER_PAYLOAD = 4_096;

export interface DeadLetterLimits {
  perCoop: number;
  perDevice: number;
}

interface DeadLetterRow {
  id: number;
  received_ms: number;
  last_ms: number;
  device_id: string | null;
  coop_id: string | null;
  topic: string;
  code: string;
  reason: string;
  payload: Buffer;
  payload_bytes: number | null;
  count: number;
}

/** The row a letter folds into: its foldKey, or the whole message. */
function digestOf(letter: NewDeadLetter): string {
  const hash = createHash('sha256');
  if (letter.foldKey !== undefined) return hash.update(`fold\0${letter.foldKey}`).digest('hex');
  return hash
    .update(`${letter.deviceId ?? ''}\0${letter.topic}\0${letter.reason}\0`)
    .update(letter.payload)
    .digest('hex');
}

export function sqliteDeadLetters(
  { db, prepare }: RegistryDb,
  limits: DeadLetterLimits,
): Registry['deadLetters'] {
  const add = db.transaction((letter: NewDeadLetter) => {
    const payload = Buffer.from(
      letter.payload.buffer,
      letter.payload.byteOffset,
      Math.min(letter.payload.byteLength, MAX_DEAD_LETTER_PAYLOAD),
    );
    // A folded repeat keeps the first arrival's row and takes the newest message's details.
    prepare(
      `INSERT INTO dead_letters (received_ms, last_ms, device_id, coop_id, topic, code, reason,
         payload, payload_bytes, digest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (digest) DO UPDATE SET count = count + 1, last_ms = excluded.last_ms,
         topic = excluded.topic, code = excluded.code, reason = excluded.reason,
         payload = excluded.payload, payload_bytes = excluded.payload_bytes`,
    ).run(
      letter.receivedMs,
      letter.receivedMs,
      letter.deviceId,
      letter.coopId,
      letter.topic,
      letter.code,
      truncateText(letter.reason, MAX_DEAD_LETTER_REASON),
      payload,
      letter.payload.byteLength,
      digestOf(letter),
    );
    // The oldest rows past each cap go: the device's first (so a noisy device spends its own
    // share), then the cooperative's (or the unattributed ones', coop NULL).
    if (letter.deviceId !== null)
      prepare(
        `DELETE FROM dead_letters WHERE device_id = @device AND id <= (
           SELECT id FROM dead_letters WHERE device_id = @device ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
      ).run({ device: letter.deviceId, keep: limits.perDevice });
    prepare(
      `DELETE FROM dead_letters WHERE coop_id IS @coop AND id <= (
         SELECT id FROM dead_letters WHERE coop_id IS @coop ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    ).run({ coop: letter.coopId, keep: limits.perCoop });
  });

  return {
    add: async (letter) => {
      add(letter);
    },
    list: async (filter = {}) => {
      // Only the conditions asked for, so SQLite walks the (coop_id, id) or (device_id, id) index
      // from the newest row instead of scanning the table.
      const where = [
        filter.coopId === undefined ? '' : 'coop_id = @coopId',
        filter.deviceId === undefined ? '' : 'device_id = @deviceId',
        filter.beforeId === undefined ? '' : 'id < @beforeId',
      ].filter((c) => c !== '');
      const rows = prepare(
        `SELECT * FROM dead_letters ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
         ORDER BY id DESC LIMIT @limit`,
      ).all({ ...filter, limit: filter.limit ?? 100 }) as DeadLetterRow[];
      return rows.map((row): DeadLetter => ({
        id: row.id,
        receivedMs: row.received_ms,
        lastMs: row.last_ms,
        deviceId: row.device_id,
        coopId: row.coop_id,
        topic: row.topic,
        code: row.code,
        reason: row.reason,
        payload: new Uint8Array(row.payload),
        payloadBytes: row.payload_bytes ?? row.payload.length,
        count: row.count,
      }));
    },
  };
}
