import type { AuditEntry, Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/**
 * How long audit lines are kept: two years covers a season's disputes and an annual review of
 * who saw a cooperative's data, and bounds the table (a busy dashboard writes some thousands of
 * lines a day).
 */
export const AUDIT_RETENTION_MS = 2 * 365 * 24 * 3600 * 1000;

/** Lines older than the retention are deleted once every this many writes. */
const PRUNE_EVERY = 1000;

export function sqliteAudit({ prepare }: RegistryDb): Registry['audit'] {
  let writes = 0;
  return {
    add: async (entry) => {
      const { atMs, coopId, ...rest } = entry;
      prepare('INSERT INTO audit_log (at_ms, coop_id, doc) VALUES (?, ?, ?)').run(
        atMs,
        coopId,
        JSON.stringify(rest),
      );
      if (++writes % PRUNE_EVERY === 0)
        prepare('DELETE FROM audit_log WHERE at_ms < ?').run(atMs - AUDIT_RETENTION_MS);
    },
    list: async ({ coopId, limit, beforeId }) => {
      const rows = prepare(
        `SELECT id, at_ms, coop_id, doc FROM audit_log
         WHERE coop_id = @coopId AND (@beforeId IS NULL OR id < @beforeId)
         ORDER BY id DESC LIMIT @limit`,
      ).all({ coopId, beforeId: beforeId ?? null, limit }) as {
        id: number;
        at_ms: number;
        coop_id: string | null;
        doc: string;
      }[];
      return rows.map((r): AuditEntry => ({
        id: r.id,
        atMs: r.at_ms,
        coopId: r.coop_id,
        ...(JSON.parse(r.doc) as Omit<AuditEntry, 'id' | 'atMs' | 'coopId'>),
      }));
    },
  };
}
