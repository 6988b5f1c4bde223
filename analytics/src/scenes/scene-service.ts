import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isShambaError } from '@shamba/schemas';
import type { FieldSceneIndices, Registry } from '@shamba/storage';
import { projectorTo } from '../raster/crs.js';
import { fieldIndices, type SceneBands } from '../raster/field-indices.js';
import { readBand, readBandGrid, readSceneItem, type MapWindow } from '../raster/scene-reader.js';

export interface SceneServiceOptions {
  registry: Registry;
  logger: Logger;
  /** Watched folder: each scene is a directory with its band files and a STAC item. */
  scenesDir: string;
  intervalMs?: number;
  clock?: () => number;
}

/** Margin around the fields when reading a window: two 20 m pixels. */
const WINDOW_MARGIN_M = 40;

/**
 * The watch folder: new scenes (STAC items) are read once, for the window that covers the
 * registered fields only, and each field's indices are stored with the scene. A bad file is
 * logged with its reason and skipped; it does not stop the others.
 */
export function createSceneService(options: SceneServiceOptions) {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  const failed = new Set<string>();
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

  async function processItem(itemPath: string): Promise<boolean> {
    const item = await readSceneItem(itemPath);
    if (await registry.scenes.has(item.id)) return false;
    const fields = await registry.fields.list();
    const need = ['B04', 'B08'] as const;
    for (const b of need)
      if (item.bands[b] === undefined) throw new Error(`${item.id} has no ${b}`);
    // One window around every field, in the raster's CRS (read from B04 first).
    const probe = await readBandGrid(item.bands.B04!);
    const project = projectorTo(probe.epsg);
    const points = fields.flatMap((f) => f.boundary.coordinates[0]!.map((p) => project(p)));
    if (points.length === 0) return false;
    const window: MapWindow = [
      Math.min(...points.map((p) => p[0])) - WINDOW_MARGIN_M,
      Math.min(...points.map((p) => p[1])) - WINDOW_MARGIN_M,
      Math.max(...points.map((p) => p[0])) + WINDOW_MARGIN_M,
      Math.max(...points.map((p) => p[1])) + WINDOW_MARGIN_M,
    ];
    const read = async (b: string) =>
      item.bands[b] === undefined ? undefined : readBand(b, item.bands[b], undefined, window);
    const bands = { B04: (await read('B04'))!, B08: (await read('B08'))! } as SceneBands;
    for (const b of ['SCL', 'B8A', 'B11'] as const) {
      const band = await read(b);
      if (band !== undefined) bands[b] = band;
    }
    const perField: FieldSceneIndices[] = fields.map((f) => ({
      sceneId: item.id,
      fieldId: f.id,
      acquiredMs: item.acquiredMs,
      indices: fieldIndices(bands, f.boundary),
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
    return true;
  }

  async function runOnce(): Promise<number> {
    let processed = 0;
    for (const itemPath of await items()) {
      if (failed.has(itemPath)) continue;
      try {
        if (await processItem(itemPath)) processed++;
      } catch (error) {
        failed.add(itemPath); // a bad file is reported once, not on every scan
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
    start() {
      timer ??= setInterval(
        () => void (running ??= runOnce().finally(() => (running = undefined))),
        options.intervalMs ?? 10_000,
      );
    },
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}

export type SceneService = ReturnType<typeof createSceneService>;
