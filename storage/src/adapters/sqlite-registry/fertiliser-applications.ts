import type { FertiliserApplication } from '@shamba/schemas';
import type { Registry } from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/** Fertiliser applied to fields, as recorded (by the API, later by the farmer's SMS). */
export function sqliteFertiliserApplications({
  prepare,
}: RegistryDb): Registry['fertiliserApplications'] {
  return {
    add: async (application) => {
      const { lastInsertRowid } = prepare(
        'INSERT INTO fertiliser_applications (field_id, date, doc) VALUES (?, ?, ?)',
      ).run(application.fieldId, application.date, JSON.stringify(application));
      return { ...application, id: Number(lastInsertRowid) };
    },
    list: async (fieldId) =>
      (
        prepare(
          'SELECT id, doc FROM fertiliser_applications WHERE field_id = ? ORDER BY date, id',
        ).all(fieldId) as { id: number; doc: string }[]
      ).map((r) => ({ ...(JSON.parse(r.doc) as Omit<FertiliserApplication, 'id'>), id: r.id })),
    // ISO dates compare as text; the (field_id, date, id) index answers it.
    count: async (fieldId, { fromDate, toDate }) =>
      (
        prepare(
          'SELECT count(*) AS n FROM fertiliser_applications WHERE field_id = ? AND date BETWEEN ? AND ?',
        ).get(fieldId, fromDate, toDate) as { n: number }
      ).n,
  };
}
