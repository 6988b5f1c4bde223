import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isShambaError } from '@shamba/schemas';
import type { FieldSceneIndices, Registry } from '@shamba/storage';
import { readSceneItem, type SceneItem } from '../raster/scene-reader.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import { sceneFieldIndices } from './scene-indices.js';

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
  onRegistered?: (scene: { sceneId: string; acquiredMs: number; fields: number }) => void;
  /** Where scenes are decoded (heap-capped workers); the calling thread without one. */
  pool?: WorkerPool;
  /** A scene whose decoding takes longer is abandoned and its worker replaced. */
  decodeTimeoutMs?: number;
}

/**
 * A scene for a cooperative's fields decodes in well under a second here (a few windows of a
 * tile); a minute means a file built to make the decoder loop.
 */
export const DECODE_TIMEOUT_MS = 60_000;

/**
 * The watch folder: new scenes (STAC items) are read once, for the window that covers the
 * registered fields only, and each field's indices are stored with the scene. A bad file is
 * logged with its reason and skipped; it does not stop the others.
 */
export function createSceneService(options: SceneServiceOptions) {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  // Items already handled (processed, known or refused): a scan reads only new ones.
  const seen = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function items(): Promise<string[]> {
    const found: string[] = [];
    for (const entry of await readdir(options.scenesDir, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isDirectory()) continue;
      for (const file of await readdir(join(options.scenesDir, entry.name))) {
        if (file.endsWith('.json')) found.push(join(options.scenesDir, entry.name, file));
      }
    }
    return found.sort();
  }

  async function processItem(
    itemPath: string,
    item?: SceneItem,
  ): Promise<'processed' | 'known' | 'no-fields'> {
    item ??= await readSceneItem(itemPath);
    if (await registry.scenes.has(item.id)) return 'known';
    const fields = await registry.fields.list();
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
      fieldId: f.fieldId,
      acquiredMs: item.acquiredMs,
      indices: f.indices,
    }));
    await registry.scenes.add(
      {
        id: item.id,
        acquiredMs: item.acquiredMs,
        itemPath,
        cloudCoverPct: item.cloudCoverPct,
        processedMs: clock(),
      },
      perField,
    );
    logger.info({ sceneId: item.id, fields: perField.length }, 'scene processed');
    options.onRegistered?.({
      sceneId: item.id,
      acquiredMs: item.acquiredMs,
      fields: perField.length,
    });
    return 'processed';
  }

  async function runOnce(): Promise<number> {
    let processed = 0;
    for (const itemPath of await items()) {
      if (seen.has(itemPath)) continue;
      try {
        const outcome = await processItem(itemPath);
        if (outcome !== 'no-fields') seen.add(itemPath);
        if (outcome === 'processed') processed++;
      } catch (error) {
        seen.add(itemPath); // a bad file is reported once, not on every scan
        logger.warn(
          { itemPath, code: isShambaError(error) ? error.code : undefined, err: error },
          'scene refused',
        );
      }
    }
    return processed;
  }

  return {
    runOnce: () => (running ??= runOnce().finally(() => (running = undefined))),
    /**
     * Registers one scene by its STAC item (a URL, for Cloud-Optimized GeoTIFFs, or a path):
     * read for the registered fields, stored, announced. Errors reach the caller.
     */
    async register(itemPath: string) {
      const item = await readSceneItem(itemPath);
      const outcome = await processItem(itemPath, item);
      seen.add(itemPath);
      return { sceneId: item.id, acquiredMs: item.acquiredMs, outcome };
    },
    start() {
      timer ??= setInterval(() => {
        running ??= runOnce().finally(() => (running = undefined));
        running.catch((error: unknown) => logger.error({ err: error }, 'scene scan failed'));
      }, options.intervalMs ?? 10_000);
    },
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}

export type SceneService = ReturnType<typeof createSceneService>;
