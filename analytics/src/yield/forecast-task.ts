import { createModelStore } from '../models/model-store.js';
import { forecastRows, type Calibration, type Forecast } from './train-yield-model.js';

/** Models loaded in this thread, by folder and version (a version never changes on disk). */
const loaded = new Map<string, ReturnType<ReturnType<typeof createModelStore>['load']>>();

/**
 * P10/P50/P90 for rows of features from one stored model version. Runs in an analytics worker:
 * TF.js and the model load there once, on first use.
 */
export async function forecastWithModel(input: {
  /** The version's owner's folder (`modelOwnerDir`): the same layout for shared and coops'. */
  modelsDir: string;
  version: string;
  rows: number[][];
}): Promise<Forecast[]> {
  const key = `${input.modelsDir}|${input.version}`;
  let entry = loaded.get(key);
  if (entry === undefined) {
    const { initTfBackend } = await import('../models/tf-backend.js');
    await initTfBackend();
    entry = createModelStore({ dir: input.modelsDir }).load('yield', input.version);
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key));
  }
  const { model, meta } = await entry;
  const normalization = meta.normalization as { mean: number[]; std: number[] };
  // Versions saved before calibration existed have none: their band is the model's own.
  const calibration = (meta.calibration as Calibration | undefined) ?? null;
  return forecastRows(model, normalization, input.rows, calibration);
}
