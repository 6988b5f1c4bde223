import type { Field, Polygon } from '@shamba/schemas';
import { readSceneItem, type RemoteAccess, type SceneItem } from '@shamba/raster';
import { runTask, type TaskInput, type TaskName, type TaskOutput } from '../worker/tasks.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import type { FieldZoneDelineation } from '../zones/delineate-field-zones.js';
import { DECODE_TIMEOUT_MS } from './scene-service.js';

export interface SceneRasterServiceOptions {
  /** Where images are drawn and zones delineated (heap-capped workers); the calling thread without one. */
  pool?: WorkerPool;
  /** Which addresses stored scenes' URLs may be fetched from (default: public only). */
  remoteAccess?: RemoteAccess | undefined;
  /** A task that takes longer is abandoned and its worker replaced (default: as a scene decode). */
  timeoutMs?: number;
}

/** A stored scene, as the registry lists it: its id and where its STAC item is. */
export interface StoredScene {
  id: string;
  itemPath: string;
}

/**
 * The API's raster work on stored scenes: NDVI images of a field or a cooperative, and a field's
 * management zones. Each STAC item is read here (a small JSON document, under the remote-access
 * policy, which its band URLs then carry); the bands are read, drawn and clustered in the worker
 * pool, so a large image or a season of scenes never blocks the thread that answers requests.
 */
export function createSceneRasterService(options: SceneRasterServiceOptions = {}) {
  const itemOptions = { remoteAccess: options.remoteAccess };
  const readItem = (scene: StoredScene): Promise<SceneItem> =>
    readSceneItem(scene.itemPath, itemOptions);
  // The same pure task either way: in a worker when there is a pool, else in this thread.
  const run = <T extends TaskName>(task: T, input: TaskInput<T>): Promise<TaskOutput<T>> =>
    options.pool === undefined
      ? runTask(task, input)
      : options.pool.run(task, input, { timeoutMs: options.timeoutMs ?? DECODE_TIMEOUT_MS });

  return {
    /** One field's NDVI in a scene, as PNG bytes. */
    async fieldNdviPng(
      scene: StoredScene,
      field: { boundary: Polygon },
    ): Promise<Uint8Array<ArrayBuffer>> {
      const item = await readItem(scene);
      return run('raster.field-ndvi-png', { item, boundary: field.boundary });
    },
    /** A cooperative's fields in one PNG of a scene, over their common extent. */
    async coopNdviPng(
      scene: StoredScene,
      fields: readonly { boundary: Polygon }[],
    ): Promise<Uint8Array<ArrayBuffer>> {
      const item = await readItem(scene);
      return run('raster.coop-ndvi-png', { item, boundaries: fields.map((f) => f.boundary) });
    },
    /** A field's management zones from its scenes, and the new zones' indices in each. */
    async delineateZones(
      field: Field,
      scenes: readonly StoredScene[],
      maxZones: number,
    ): Promise<FieldZoneDelineation> {
      const items = await Promise.all(
        scenes.map(async (scene) => ({ sceneId: scene.id, item: await readItem(scene) })),
      );
      return run('zones.delineate', { field, scenes: items, maxZones });
    },
  };
}

export type SceneRasterService = ReturnType<typeof createSceneRasterService>;
