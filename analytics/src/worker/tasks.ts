import { isMainThread } from 'node:worker_threads';
import { soilMoisturePrescription } from '../irrigation/soil-moisture-rule.js';
import { waterBalancePrescription } from '../irrigation/water-balance-rule.js';
import type { FusionCache, fitPredictFusion } from '../fusion/soil-water-fusion.js';
import type { trainAndSave } from '../yield/train-and-save.js';
import type { SceneIndicesInput } from '../scenes/scene-indices.js';

/** This thread's fitted fusion ensembles (see `createFusionCache`). */
let fusionCache: FusionCache | undefined;

/**
 * What the analytics worker can compute: pure functions only, so the same call gives the same
 * answer in a worker thread or in the main thread (pool size 0).
 */
export const TASKS = {
  'irrigation.soil-moisture': soilMoisturePrescription,
  'irrigation.water-balance': waterBalancePrescription,
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
    // geotiff, imported in a worker thread, takes itself for its own decoder worker unless a
    // Worker global exists; the placeholder is never used (we decode without geotiff's pool).
    if (!isMainThread) (globalThis as { Worker?: unknown }).Worker ??= class WorkerPlaceholder {};
    return (await import('../scenes/scene-indices.js')).sceneFieldIndices(input);
  },
  /** Loads TF.js in the worker (once, on first use) and names the backend its models run on. */
  'models.backend': async (_: null) => (await import('../models/tf-backend.js')).initTfBackend(),
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
