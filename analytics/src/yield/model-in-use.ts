import { isShambaError } from '@shamba/schemas';
import { createModelStore, type ModelOwner } from '../models/model-store.js';
import { FEATURE_NAMES } from './yield-features.js';

/** The yield model a cooperative's forecasts use, as the forecast service needs it. */
export interface YieldModelInUse {
  version: string;
  /** Whose version it is: the cooperative's own, or null for a shared one. */
  owner: ModelOwner;
  /** The folder the version's files are under, where the `yield.forecast` task loads it from. */
  dir: string;
  nitrogenMean: number;
  /** Why it cannot be used (trained on other features), or null. */
  unusable: string | null;
}

/**
 * The cooperative's promoted yield model, else the shared promoted one, else null (forecasts
 * then give FAO-33 only). Another cooperative's versions are never in reach: the store is
 * scoped to `coopId` and the shared models.
 */
export async function yieldModelInUse(
  modelsDir: string,
  coopId: string,
): Promise<YieldModelInUse | null> {
  const store = createModelStore({ dir: modelsDir, owner: coopId });
  const promoted = await store.inUse('yield');
  if (promoted === null) return null;
  let meta: { normalization?: { mean: number[] }; features?: string[] };
  let owner: ModelOwner;
  let dir: string;
  try {
    ({ meta, owner, dir } = await store.meta('yield', promoted.version));
  } catch (error) {
    // A promotion naming a version no longer on disk: as if none were promoted.
    if (isShambaError(error, 'NOT_FOUND')) return null;
    throw error;
  }
  const same =
    meta.features !== undefined &&
    meta.features.length === FEATURE_NAMES.length &&
    meta.features.every((f, i) => f === FEATURE_NAMES[i]);
  return {
    version: promoted.version,
    owner,
    dir,
    nitrogenMean: same ? (meta.normalization?.mean[FEATURE_NAMES.indexOf('nitrogenKgHa')] ?? 0) : 0,
    unusable: same
      ? null
      : `the promoted model ${promoted.version} was trained on other features: train and promote a new one`,
  };
}
