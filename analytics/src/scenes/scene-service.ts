import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ShambaError, isId } from '@shamba/schemas';
import type { FieldSceneIndices, Registry } from '@shamba/storage';
import { readSceneItem, type SceneItem, type SceneItemOptions } from '@shamba/raster';
import type { WorkerPool } from '../worker/worker-pool.js';
import { refuseFutureScene } from './acquisition-time.js';
import { sceneFieldIndices } from './scene-indices.js';
import { UPLOADS_DIR, uploadsFolderOf } from './uploads.js';
import { createWatchScan } from './watch-scan.js';

export interface SceneServiceOptions {
  registry: Registry;
  logger: Logger;
  /** Watched folder: each scene is a directory with its band files and a STAC item. */
  scenesDir: string;
  intervalMs?: number;
  clock?: () => number;
  /**
   * Told of every scene once its fields' indices are stored (the `scene.registered` event):
   * `shamba start` recomputes prescriptions, whose N rates and canopy Kc depend on it.
   */
  onRegistered?: (scene: {
    sceneId: string;
    ownerCoopId: string | null;
    acquiredMs: number;
    fields: number;
  }) => void;
  /** Where scenes are decoded (heap-capped workers); the calling thread without one. */
  pool?: WorkerPool;
  /** A scene whose decoding takes longer is abandoned and its worker replaced. */
  decodeTimeoutMs?: number;
  /** Which remote addresses items and band URLs may be fetched from (default: public only). */
  remoteAccess?: SceneItemOptions['remoteAccess'];
}

/**
 * A scene is read in a few windows of a tile, one per field, never the whole tile; a minute
 * is far beyond that, and means a file built to make the decoder loop.
 */
export const DECODE_TIMEOUT_MS = 60_000;

export { MAX_FUTURE_ACQUISITION_MS } from './acquisition-time.js';

export type SceneOutcome = 'processed' | 'known' | 'no-fields';

/**
 * Scenes: read once, for the window that covers the fields that may use them, and each field's
 * indices stored with the scene. A scene has an owner: the cooperative whose staff uploaded or
 * registered it (read for that cooperative's fields only), or none (the operator's watch folder,
 * an admin): read for every field. The watch folder is scanned on a timer (see watch-scan.ts:
 * a scene that fails is quarantined, never retried forever).
 */
export function createSceneService(options: SceneServiceOptions) {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  const itemOptions: SceneItemOptions =
    options.remoteAccess === undefined ? {} : { remoteAccess: options.remoteAccess };

  async function processItem(
    itemPath: string,
    ownerCoopId: string | null,
    item?: SceneItem,
  ): Promise<SceneOutcome> {
    item ??= await readSceneItem(itemPath, itemOptions);
    refuseFutureScene(item, clock());
    // Ids are unique per owner: a cooperative's upload neither replaces nor shadows a shared
    // scene by its id (to that cooperative the shared one is the scene it names: known).
    if (
      (await registry.scenes.has(ownerCoopId, item.id)) ||
      (ownerCoopId !== null && (await registry.scenes.has(null, item.id)))
    )
      return 'known';
    // A cooperative's scene is read for its own fields only, so its indices never reach another's.
    const fields = await registry.fields.list(ownerCoopId === null ? {} : { coopId: ownerCoopId });
    if (fields.length === 0) return 'no-fields'; // read again once fields exist
    const input = {
      item,
      fields: fields.map((f) => ({
        id: f.id,
        boundary: f.boundary,
        ...(f.zones ? { zones: f.zones } : {}),
      })),
    };
    // Decoding runs in an analytics worker when there is a pool: heap-capped and watched.
    const { perField: indices } =
      options.pool === undefined
        ? await sceneFieldIndices(input)
        : await options.pool.run('scene.indices', input, {
            timeoutMs: options.decodeTimeoutMs ?? DECODE_TIMEOUT_MS,
          });
    const perField: FieldSceneIndices[] = indices.map((f) => ({
      sceneId: item.id,
      ownerCoopId,
      fieldId: f.fieldId,
      acquiredMs: item.acquiredMs,
      indices: f.indices,
    }));
    await registry.scenes.add(
      {
        id: item.id,
        ownerCoopId,
        acquiredMs: item.acquiredMs,
        itemPath,
        cloudCoverPct: item.cloudCoverPct,
        processedMs: clock(),
      },
      perField,
    );
    logger.info({ sceneId: item.id, ownerCoopId, fields: perField.length }, 'scene processed');
    options.onRegistered?.({
      sceneId: item.id,
      ownerCoopId,
      acquiredMs: item.acquiredMs,
      fields: perField.length,
    });
    return 'processed';
  }

  const uploadsRoot = resolve(options.scenesDir, UPLOADS_DIR);
  const scan = createWatchScan({
    registry,
    logger,
    scenesDir: resolve(options.scenesDir),
    uploadsRoot,
    clock,
    process: (itemPath) => processItem(itemPath, null),
  });
  const pass = () => (running ??= scan.runOnce().finally(() => (running = undefined)));

  return {
    /** One scan of the watch folder; the count of scenes processed. */
    runOnce: pass,
    /**
     * Registers one scene by its STAC item (a URL, for Cloud-Optimized GeoTIFFs, or the path of
     * an upload) for its owner (null: a scene for everyone, an admin's). Errors reach the caller.
     */
    async register(itemPath: string, owner: { ownerCoopId: string | null }) {
      const item = await readSceneItem(itemPath, itemOptions);
      const outcome = await processItem(itemPath, owner.ownerCoopId, item);
      return { sceneId: item.id, acquiredMs: item.acquiredMs, outcome };
    },
    /** The folder an owner's uploads are written to (never scanned: registered directly). */
    uploadDirFor(ownerCoopId: string | null): string {
      if (ownerCoopId !== null && !isId(ownerCoopId))
        throw new ShambaError('INVALID_REQUEST', 'not a cooperative id');
      return join(uploadsRoot, uploadsFolderOf(ownerCoopId));
    },
    start() {
      timer ??= setInterval(() => {
        pass().catch((error: unknown) => logger.error({ err: error }, 'scene scan failed'));
      }, options.intervalMs ?? 10_000);
    },
    async close() {
      clearInterval(timer);
      scan.stop();
      await running?.catch(() => undefined);
    },
  };
}

export type SceneService = ReturnType<typeof createSceneService>;
