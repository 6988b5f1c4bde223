import { loadModelVersion } from '../models/model-store.js';
import {
  forecastRows,
  type Calibration,
  type Forecast,
  type LegacyCalibration,
} from './train-yield-model.js';

/** Models loaded in this thread, by folder and version (a version never changes on disk). */
const loaded = new Map<string, ReturnType<typeof loadModelVersion>>();

/**
 * P10/P50/P90 for rows of features from one stored model version. Runs in an analytics worker:
 * TF.js and the model load there once, on first use.
 */
export async function forecastWithModel(input: {
  /**
   * The folder the version's files are under (`dir` from `ModelStore.meta`, which decided, in
   * the calling thread, that the cooperative may use it).
   */
  modelsDir: string;
  version: string;
  rows: number[][];
}): Promise<Forecast[]> {
  const key = `${input.modelsDir}|${input.version}`;
  let entry = loaded.get(key);
  if (entry === undefined) {
    const { initTfBackend } = await import('../models/tf-backend.js');
    await initTfBackend();
    entry = loadModelVersion(input.modelsDir, 'yield', input.version);
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key));
  }
  const { model, meta } = await entry;
  const normalization = meta.normalization as { mean: number[]; std: number[] };
  // Versions saved before calibration existed have none: their band is the model's own; those
  // saved before issue 15 have a per-crop additive one.
  const calibration = (meta.calibration as Calibration | LegacyCalibration | undefined) ?? null;
  return forecastRows({ model, normalization, calibration }, input.rows);
}
