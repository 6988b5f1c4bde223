import {
  PRESCRIPTION_KINDS,
  PrescriptionSchema,
  type Prescription,
  type PrescriptionKind,
} from '@shamba/schemas';
import type { PrescriptionHistoryFilter, Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/**
 * Versions kept per field and kind. A pass makes a new version whenever a field's readings move
 * (every 15-minute sample at most), so a season could reach ~10,000 per kind; 500 keep every
 * version of the last five days at that pace, and since restatements (versions that changed no
 * advice) go first, every change of advice of a season (a few a day at most) outlives them.
 */
export const MAX_PRESCRIPTION_VERSIONS = 500;
/**
 * Versions dropped at once past the cap: the prune reads every version's changes, so it runs
 * once per this many additions rather than at each one.
 */
export const PRESCRIPTION_PRUNE_BATCH = 50;
/** A page of history when the caller names none, and the most one page may hold. */
export const DEFAULT_PRESCRIPTION_PAGE = 20;
export const MAX_PRESCRIPTION_PAGE = 100;

/** Whether a stored version changed the advice (or is its field's first of the kind), in SQL. */
const CHANGED_ADVICE = `(coalesce(json_array_length(doc, '$.revision.changes'), 0) > 0
  OR json_extract(doc, '$.revision.number') = 1)`;

/**
 * Prescriptions, one row per version with the columns they are looked up by (field, kind, time).
 * A document is parsed on the way out: the schema is the contract, and rows written before
 * prescriptions had kinds and typed provenance were upgraded by migration 9.
 *
 * Retention: at most MAX_PRESCRIPTION_VERSIONS per field and kind; past it, the oldest
 * restatements go first (and rows from before revisions), then the oldest versions. The newest
 * version is never dropped.
 */
export function sqlitePrescriptions({ db, prepare }: RegistryDb): Registry['prescriptions'] {
  const parse = (row: unknown): Prescription | undefined =>
    row === undefined
      ? undefined
      : PrescriptionSchema.parse(JSON.parse((row as { doc: string }).doc));
  const newest = (fieldId: string, kind?: PrescriptionKind) =>
    parse(
      kind === undefined
        ? prepare(
            'SELECT doc FROM prescriptions WHERE field_id = ? ORDER BY created_ms DESC, rowid DESC LIMIT 1',
          ).get(fieldId)
        : prepare(
            `SELECT doc FROM prescriptions WHERE field_id = ? AND kind = ?
             ORDER BY created_ms DESC, rowid DESC LIMIT 1`,
          ).get(fieldId, kind),
    );

  const prune = (prescription: Prescription) => {
    const key = { field: prescription.fieldId, kind: prescription.kind };
    const { count } = prepare(
      'SELECT count(*) AS count FROM prescriptions WHERE field_id = @field AND kind = @kind',
    ).get(key) as { count: number };
    if (count <= MAX_PRESCRIPTION_VERSIONS) return;
    prepare(
      `DELETE FROM prescriptions WHERE rowid IN (
         SELECT rowid FROM prescriptions WHERE field_id = @field AND kind = @kind AND id <> @id
         ORDER BY ${CHANGED_ADVICE}, created_ms, rowid LIMIT @excess)`,
    ).run({
      ...key,
      id: prescription.id,
      excess: count - MAX_PRESCRIPTION_VERSIONS + PRESCRIPTION_PRUNE_BATCH,
    });
  };

  const add = db.transaction((prescription: Prescription) => {
    // A stored id is the same version made again (a pass's second step): replaced where it
    // stands (its rowid kept), never a second version.
    prepare(
      `INSERT INTO prescriptions (id, field_id, kind, created_ms, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET field_id = excluded.field_id, kind = excluded.kind,
         created_ms = excluded.created_ms, doc = excluded.doc`,
    ).run(
      prescription.id,
      prescription.fieldId,
      prescription.kind,
      prescription.createdAtMs,
      JSON.stringify(prescription),
    );
    prune(prescription);
  });

  const history = (fieldId: string, filter: PrescriptionHistoryFilter = {}) => {
    const limit = Math.min(
      MAX_PRESCRIPTION_PAGE,
      Math.max(1, Math.floor(filter.limit ?? DEFAULT_PRESCRIPTION_PAGE)),
    );
    const clauses = ['field_id = @field'];
    if (filter.kind !== undefined) clauses.push('kind = @kind');
    if (filter.before !== undefined)
      // Older than the cursor in the listing's own order (an unknown cursor lists nothing).
      clauses.push(
        '(created_ms, rowid) < (SELECT created_ms, rowid FROM prescriptions WHERE id = @before)',
      );
    const rows = prepare(
      `SELECT doc FROM prescriptions WHERE ${clauses.join(' AND ')}
       ORDER BY created_ms DESC, rowid DESC LIMIT @limit`,
    ).all({
      field: fieldId,
      limit,
      ...(filter.kind === undefined ? {} : { kind: filter.kind }),
      ...(filter.before === undefined ? {} : { before: filter.before }),
    });
    return rows.map((row) => parse(row)!);
  };

  return {
    add: async (prescription: Prescription) => add(prescription),
    // One implementation serves both overloads: the row's kind is the one asked for.
    latest: async (fieldId: string, kind?: PrescriptionKind) => newest(fieldId, kind),
    latestByKind: async (fieldId) => {
      const out: Record<string, Prescription> = {};
      for (const kind of PRESCRIPTION_KINDS) {
        const p = newest(fieldId, kind);
        if (p !== undefined) out[kind] = p;
      }
      return out;
    },
    get: async (id) => parse(prepare('SELECT doc FROM prescriptions WHERE id = ?').get(id)),
    history: async (fieldId, filter) => history(fieldId, filter),
  };
}
