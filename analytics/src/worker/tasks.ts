import { RULE_TASKS } from '../rules/index.js';
import type { FusionCache, fitPredictFusion } from '../fusion/soil-water-fusion.js';
import type { trainAndSave } from '../yield/train-and-save.js';
import type { SceneIndicesInput } from '../scenes/scene-indices.js';
import type { CoopNdviPngInput, FieldNdviPngInput } from '../scenes/ndvi-images.js';
import type { DelineateFieldZonesInput } from '../zones/delineate-field-zones.js';
import { allowGeotiffInWorker } from './geotiff-in-worker.js';

/** This thread's fitted fusion ensembles (see `createFusionCache`). */
let fusionCache: FusionCache | undefined;

/**
 * What the analytics worker can compute: pure functions only, so the same call gives the same
 * answer in a worker thread or in the main thread (pool size 0).
 */
export const TASKS = {
  /** Each prescription rule's task (`irrigation.water-balance`, `nitrogen.sbnrc`, ...). */
  ...RULE_TASKS,
  /** Soil water of unprobed zones from the probed ones (TF.js ensemble, loaded on first use). */
  'fusion.fit-predict': async (input: Parameters<typeof fitPredictFusion>[0]) => {
    await (await import('../models/tf-backend.js')).initTfBackend();
    const fusion = await import('../fusion/soil-water-fusion.js');
    fusionCache ??= fusion.createFusionCache();
    return fusion.fitPredictFusion(input, fusionCache);
  },
  /** Yield quantiles from a stored model version (TF.js loads in the worker on first use). */
  'yield.forecast': async (input: { modelsDir: string; version: string; rows: number[][] }) =>
    (await import('../yield/forecast-task.js')).forecastWithModel(input),
  /** Trains and saves a yield model version (TF.js loads in the worker on first use). */
  'yield.train': async (input: Parameters<typeof trainAndSave>[0]) =>
    (await import('../yield/train-and-save.js')).trainAndSave(input),
  /** A scene's indices for the given fields: GeoTIFF decoding off the main thread. */
  'scene.indices': async (input: SceneIndicesInput) => {
    allowGeotiffInWorker();
    return (await import('../scenes/scene-indices.js')).sceneFieldIndices(input);
  },
  /** Loads TF.js in the worker (once, on first use) and names the backend its models run on. */
  'models.backend': async (_: null) => (await import('../models/tf-backend.js')).initTfBackend(),
  /** One field's NDVI as PNG bytes (moved out of the worker, not copied). */
  'raster.field-ndvi-png': async (input: FieldNdviPngInput) => {
    allowGeotiffInWorker();
    return (await import('../scenes/ndvi-images.js')).fieldNdviPng(input);
  },
  /** A cooperative's fields in one NDVI PNG (moved out of the worker, not copied). */
  'raster.coop-ndvi-png': async (input: CoopNdviPngInput) => {
    allowGeotiffInWorker();
    return (await import('../scenes/ndvi-images.js')).coopNdviPng(input);
  },
  /** A field's management zones from its clear scenes: band reading and clustering. */
  'zones.delineate': async (input: DelineateFieldZonesInput) => {
    allowGeotiffInWorker();
    return (await import('../zones/delineate-field-zones.js')).delineateFieldZones(input);
  },
} as const;

export type TaskName = keyof typeof TASKS;
export type TaskInput<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type TaskOutput<T extends TaskName> = Awaited<ReturnType<(typeof TASKS)[T]>>;

export async function runTask<T extends TaskName>(
  task: T,
  input: TaskInput<T>,
): Promise<TaskOutput<T>> {
  const fn = TASKS[task] as (input: TaskInput<T>) => TaskOutput<T> | Promise<TaskOutput<T>>;
  return fn(input);
}
