import type { Principal } from '@shamba/schemas';
import type { Registry, TokenRecord } from '../../ports/registry.js';
import { tokenId } from '../../tokens/new-token.js';
import type { RegistryDb } from './statements.js';

interface TokenRow {
  id: string;
  principal: string;
  label: string | null;
  created_ms: number;
  expires_ms: number | null;
  revoked_ms: number | null;
}

const record = (row: TokenRow): TokenRecord => ({
  id: row.id,
  principal: JSON.parse(row.principal) as Principal,
  createdMs: row.created_ms,
  expiresMs: row.expires_ms,
  revokedMs: row.revoked_ms,
  label: row.label,
});

export function sqliteTokens({ prepare }: RegistryDb): Registry['tokens'] {
  return {
    add: async (tokenHash, principal, options) => {
      const row: TokenRow = {
        id: tokenId(tokenHash),
        principal: JSON.stringify(principal),
        label: options.label ?? null,
        created_ms: options.createdMs,
        expires_ms: options.expiresMs,
        revoked_ms: null,
      };
      prepare(
        `INSERT OR REPLACE INTO tokens
           (token_hash, id, principal, coop_id, label, created_ms, expires_ms, revoked_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
      ).run(
        tokenHash,
        row.id,
        row.principal,
        principal.coopId,
        row.label,
        row.created_ms,
        row.expires_ms,
      );
      return record(row);
    },
    find: async (tokenHash, atMs) => {
      const row = prepare(
        `SELECT principal FROM tokens WHERE token_hash = ? AND revoked_ms IS NULL
           AND (expires_ms IS NULL OR expires_ms > ?)`,
      ).get(tokenHash, atMs) as { principal: string } | undefined;
      return row === undefined ? undefined : (JSON.parse(row.principal) as Principal);
    },
    list: async (filter = {}) =>
      (
        prepare(
          `SELECT * FROM tokens WHERE (@coopId IS NULL OR coop_id = @coopId)
             AND (@label IS NULL OR label = @label) ORDER BY created_ms DESC, id`,
        ).all({ coopId: filter.coopId ?? null, label: filter.label ?? null }) as TokenRow[]
      ).map(record),
    revoke: async (id, atMs) =>
      prepare('UPDATE tokens SET revoked_ms = COALESCE(revoked_ms, ?) WHERE id = ?').run(atMs, id)
        .changes > 0,
  };
}
