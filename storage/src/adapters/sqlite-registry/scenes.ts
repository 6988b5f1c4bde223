import { FieldIndicesSchema } from '@shamba/schemas';
import type {
  FieldSceneIndices,
  QuarantinedScene,
  Registry,
  SceneRecord,
} from '../../ports/registry.js';
import type { RegistryDb } from './statements.js';

/** A shared scene's owner column: '' (a key column cannot be NULL and still be unique). */
const owner = (ownerCoopId: string | null) => ownerCoopId ?? '';

/** A stored row, its indices parsed: the schema in @shamba/schemas is the port's contract. */
const fieldSceneIndices = (row: FieldSceneIndices): FieldSceneIndices => ({
  ...row,
  indices: FieldIndicesSchema.parse(row.indices),
});

export function sqliteScenes({ db, prepare, docs }: RegistryDb): Registry['scenes'] {
  return {
    add: async (scene: SceneRecord, perField: readonly FieldSceneIndices[]) => {
      db.transaction(() => {
        prepare(
          'INSERT OR REPLACE INTO scenes (owner, id, acquired_ms, doc) VALUES (?, ?, ?, ?)',
        ).run(owner(scene.ownerCoopId), scene.id, scene.acquiredMs, JSON.stringify(scene));
        const put = prepare(
          `INSERT OR REPLACE INTO field_scene_indices
             (field_id, scene_owner, scene_id, acquired_ms, doc) VALUES (?, ?, ?, ?, ?)`,
        );
        for (const f of perField)
          put.run(f.fieldId, owner(f.ownerCoopId), f.sceneId, f.acquiredMs, JSON.stringify(f));
      })();
    },
    has: async (ownerCoopId, id) =>
      prepare('SELECT 1 FROM scenes WHERE owner = ? AND id = ?').get(owner(ownerCoopId), id) !==
      undefined,
    list: async (filter = {}) =>
      docs<SceneRecord>(
        filter.visibleTo === undefined
          ? prepare('SELECT doc FROM scenes ORDER BY acquired_ms, owner, id').all()
          : prepare(
              `SELECT doc FROM scenes WHERE owner IN ('', ?) ORDER BY acquired_ms, owner, id`,
            ).all(filter.visibleTo),
      ),
    fieldSeries: async (fieldId, filter = {}) =>
      docs<FieldSceneIndices>(
        filter.visibleTo === undefined
          ? prepare(
              'SELECT doc FROM field_scene_indices WHERE field_id = ? ORDER BY acquired_ms, scene_owner, scene_id',
            ).all(fieldId)
          : prepare(
              `SELECT doc FROM field_scene_indices WHERE field_id = ? AND scene_owner IN ('', ?)
               ORDER BY acquired_ms, scene_owner, scene_id`,
            ).all(fieldId, filter.visibleTo),
      ).map(fieldSceneIndices),
    replaceFieldIndices: async (entries) => {
      const update = prepare(
        `UPDATE field_scene_indices SET doc = ?
           WHERE field_id = ? AND scene_owner = ? AND scene_id = ?`,
      );
      return db.transaction(() =>
        entries.reduce((count, f) => {
          // The stored row's acquisition time is kept: the entry replaces its indices only.
          const { changes } = update.run(
            JSON.stringify(f),
            f.fieldId,
            owner(f.ownerCoopId),
            f.sceneId,
          );
          return count + changes;
        }, 0),
      )();
    },
    quarantine: async (entry: QuarantinedScene) => {
      prepare('INSERT INTO quarantined_scenes (owner, at_ms, doc) VALUES (?, ?, ?)').run(
        owner(entry.ownerCoopId),
        entry.atMs,
        JSON.stringify(entry),
      );
    },
    quarantined: async (filter = {}) =>
      docs<QuarantinedScene>(
        filter.coopId === undefined
          ? prepare('SELECT doc FROM quarantined_scenes ORDER BY id DESC').all()
          : prepare(
              `SELECT doc FROM quarantined_scenes WHERE owner IN ('', ?) ORDER BY id DESC`,
            ).all(filter.coopId),
      ),
  };
}
