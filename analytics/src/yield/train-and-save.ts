import { initTfBackend } from '../models/tf-backend.js';
import { createModelStore, type ModelOwner } from '../models/model-store.js';
import { trainYieldModel, type LabelledSeason, type YieldModelMeta } from './train-yield-model.js';
import type { YieldTrainingOptions } from './yield-training-options.js';

export interface TrainedVersion {
  version: string;
  /** The cooperative the version belongs to, or null for a shared one. */
  owner: ModelOwner;
  promoted: boolean;
  backend: string;
  data: YieldModelMeta['data'];
  evaluation: YieldModelMeta['evaluation'];
}

/**
 * Trains a yield model version and saves it (with its meta and `extra`, e.g. the scenario and the
 * history it learned from) in its owner's folder (`<modelsDir>/yield/` for a shared one,
 * `<modelsDir>/coops/<coopId>/yield/` for a cooperative's; see ModelStore) and promotes it for
 * that owner when asked. The same in the CLI's own thread and in an analytics worker (the API's
 * `POST /v1/models/yield/train`).
 */
export async function trainAndSave(input: {
  modelsDir: string;
  /** Whose version it is: a cooperative's id, or null for a shared one (admins only). */
  owner: ModelOwner;
  seasons: readonly LabelledSeason[];
  options: YieldTrainingOptions;
  extra: Record<string, unknown>;
  promote: boolean;
}): Promise<TrainedVersion> {
  const backend = await initTfBackend();
  const store = createModelStore({ dir: input.modelsDir, owner: input.owner });
  const { model, meta } = await trainYieldModel(input.seasons, input.options);
  try {
    const version = await store.save('yield', model, { ...meta, backend, ...input.extra });
    if (input.promote) await store.promote('yield', version);
    return {
      version,
      owner: input.owner,
      promoted: input.promote,
      backend,
      data: meta.data,
      evaluation: meta.evaluation,
    };
  } finally {
    model.dispose();
  }
}
