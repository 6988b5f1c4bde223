import {
  PRESCRIPTION_KINDS,
  PrescriptionSchema,
  type Prescription,
  type PrescriptionKind,
} from '@shamba/schemas';
import type { Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/**
 * Prescriptions, one row each with the columns they are looked up by (field, kind, time). A
 * document is parsed on the way out: the schema is the contract, and rows written before
 * prescriptions had kinds and typed provenance were upgraded by migration 9.
 */
export function sqlitePrescriptions({ prepare }: RegistryDb): Registry['prescriptions'] {
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
  return {
    add: async (prescription: Prescription) => {
      prepare(
        'INSERT OR REPLACE INTO prescriptions (id, field_id, kind, created_ms, doc) VALUES (?, ?, ?, ?, ?)',
      ).run(
        prescription.id,
        prescription.fieldId,
        prescription.kind,
        prescription.createdAtMs,
        JSON.stringify(prescription),
      );
    },
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
  };
}
