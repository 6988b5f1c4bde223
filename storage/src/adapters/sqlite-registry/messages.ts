import type { InboundMessage, OutboxMessage } from '@shamba/schemas';
import type { Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/** The most messages one list returns (a page of the outbox). */
const MAX_MESSAGE_PAGE = 500;
const DEFAULT_MESSAGE_PAGE = 100;
/** States in which a message has been handed to a gateway (and is billed). */
const HANDED = "('sending', 'sent', 'delivered', 'failed')";

/**
 * The outbox: every message to a farmer is a row before it is sent. The row's indexed columns
 * mirror the document's fields that queries select on; `update` keeps both in step.
 */
export function sqliteMessages(parts: RegistryDb): Registry['messages'] {
  const { db, prepare, doc, docs } = parts;
  const write = (m: OutboxMessage) =>
    prepare(
      `UPDATE messages SET state = ?, not_before_ms = ?, handed_ms = ?, segments = ?, doc = ?
       WHERE id = ?`,
    ).run(m.state, m.notBeforeMs, m.sentMs, m.segments, JSON.stringify(m), m.id);
  const get = (id: string) =>
    doc<OutboxMessage>(prepare('SELECT doc FROM messages WHERE id = ?').get(id));
  const update = db.transaction((id: string, patch: Partial<OutboxMessage>) => {
    const current = get(id);
    if (current === undefined) return;
    const next = { ...current, ...patch };
    write(next);
    for (const gatewayId of patch.gatewayIds ?? []) {
      prepare(
        'INSERT OR REPLACE INTO message_gateway_ids (gateway_id, message_id) VALUES (?, ?)',
      ).run(gatewayId, id);
    }
  });
  return {
    enqueue: async (m) => {
      const { changes } = prepare(
        `INSERT OR IGNORE INTO messages (id, coop_id, farmer_id, field_id, kind, prescription_id,
           dedupe_key, state, not_before_ms, created_ms, handed_ms, segments, doc)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        m.id,
        m.coopId,
        m.farmerId,
        m.fieldId,
        m.prescriptionKind,
        m.prescriptionId,
        m.dedupeKey,
        m.state,
        m.notBeforeMs,
        m.createdMs,
        m.sentMs,
        m.segments,
        JSON.stringify(m),
      );
      return changes === 1 ? m : undefined;
    },
    get: async (id) => get(id),
    due: async ({ nowMs, limit, channels }) =>
      docs<OutboxMessage>(
        prepare(
          `SELECT doc FROM messages WHERE state = 'queued' AND not_before_ms <= ?
             AND json_extract(doc, '$.channel') IN (SELECT value FROM json_each(?))
           ORDER BY not_before_ms, created_ms LIMIT ?`,
        ).all(nowMs, JSON.stringify(channels), limit),
      ),
    update: async (id, patch) => void update(id, patch),
    byGatewayId: async (gatewayId) => {
      const row = prepare('SELECT message_id FROM message_gateway_ids WHERE gateway_id = ?').get(
        gatewayId,
      ) as { message_id: string } | undefined;
      return row === undefined ? undefined : get(row.message_id);
    },
    list: async (filter) => {
      const limit = Math.min(filter.limit ?? DEFAULT_MESSAGE_PAGE, MAX_MESSAGE_PAGE);
      return docs<OutboxMessage>(
        prepare(
          `SELECT doc FROM messages WHERE coop_id = @coopId
             AND (@farmerId IS NULL OR farmer_id = @farmerId)
             AND (@fieldId IS NULL OR field_id = @fieldId)
             AND (@prescriptionId IS NULL OR prescription_id = @prescriptionId)
             AND (@afterMs IS NULL OR created_ms < @afterMs
               OR (created_ms = @afterMs AND id > @afterId))
           ORDER BY created_ms DESC, id LIMIT @limit`,
        ).all({
          coopId: filter.coopId,
          farmerId: filter.farmerId ?? null,
          fieldId: filter.fieldId ?? null,
          prescriptionId: filter.prescriptionId ?? null,
          afterMs: filter.after?.timeMs ?? null,
          afterId: filter.after?.id ?? null,
          limit,
        }),
      );
    },
    usage: async ({ coopId, farmerId, purpose, sinceMs }) => {
      const row = prepare(
        `SELECT count(*) AS messages, coalesce(sum(segments), 0) AS segments FROM messages
         WHERE coop_id = @coopId AND (@farmerId IS NULL OR farmer_id = @farmerId)
           AND state IN ${HANDED} AND handed_ms >= @sinceMs
           AND (@purpose IS NULL OR json_extract(doc, '$.purpose') = @purpose)`,
      ).get({ coopId, farmerId: farmerId ?? null, purpose: purpose ?? null, sinceMs }) as {
        messages: number;
        segments: number;
      };
      return { messages: row.messages, segments: row.segments };
    },
    lastForField: async ({ farmerId, fieldId, kind }) =>
      doc<OutboxMessage>(
        prepare(
          `SELECT doc FROM messages WHERE farmer_id = ? AND field_id = ? AND kind = ?
             AND state NOT IN ('held', 'failed')
           ORDER BY created_ms DESC, rowid DESC LIMIT 1`,
        ).get(farmerId, fieldId, kind),
      ),
    requeueSending: async () => {
      const rows = docs<OutboxMessage>(
        prepare("SELECT doc FROM messages WHERE state = 'sending'").all(),
      );
      for (const m of rows) update(m.id, { state: 'queued', sentMs: null });
      return rows.length;
    },
  };
}

/** What farmers sent in, kept for the agronomist and the manager. */
export function sqliteInbound({ prepare, doc, docs }: RegistryDb): Registry['inbound'] {
  return {
    add: async (m: InboundMessage) =>
      prepare(
        'INSERT OR IGNORE INTO inbound_messages (id, coop_id, received_ms, doc) VALUES (?, ?, ?, ?)',
      ).run(m.id, m.coopId, m.receivedMs, JSON.stringify(m)).changes === 1,
    settle: async (id, result) => {
      const kept = doc<InboundMessage>(
        prepare('SELECT doc FROM inbound_messages WHERE id = ?').get(id),
      );
      if (kept === undefined) return;
      prepare('UPDATE inbound_messages SET doc = ? WHERE id = ?').run(
        JSON.stringify({ ...kept, ...result }),
        id,
      );
    },
    list: async ({ coopId, limit, after }) =>
      docs<InboundMessage>(
        prepare(
          `SELECT doc FROM inbound_messages WHERE coop_id = @coopId
             AND (@afterMs IS NULL OR received_ms < @afterMs
               OR (received_ms = @afterMs AND id > @afterId))
           ORDER BY received_ms DESC, id LIMIT @limit`,
        ).all({
          coopId,
          afterMs: after?.timeMs ?? null,
          afterId: after?.id ?? null,
          limit: Math.min(limit ?? DEFAULT_MESSAGE_PAGE, MAX_MESSAGE_PAGE),
        }),
      ),
  };
}
