import { isMainThread } from 'node:worker_threads';

/**
 * geotiff, imported in a worker thread, takes itself for its own decoder worker unless a Worker
 * global exists; the placeholder is never used (we decode without geotiff's pool). Call it
 * before the first import of a module that loads geotiff (@shamba/raster).
 */
export function allowGeotiffInWorker(): void {
  if (!isMainThread) (globalThis as { Worker?: unknown }).Worker ??= class WorkerPlaceholder {};
}
