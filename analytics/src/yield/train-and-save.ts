import { initTfBackend } from '../models/tf-backend.js';
import { createModelStore } from '../models/model-store.js';
import { trainYieldModel, type LabelledSeason, type YieldModelMeta } from './train-yield-model.js';
import type { YieldTrainingOptions } from './yield-training-options.js';

export interface TrainedVersion {
  version: string;
  promoted: boolean;
  backend: string;
  data: YieldModelMeta['data'];
  evaluation: YieldModelMeta['evaluation'];
}

/**
 * Trains a yield model version and saves it (with its meta and `extra`, e.g. the scenario and the
 * history it learned from) under `<modelsDir>/yield/`; promotes it when asked. The same in the
 * CLI's own thread and in an analytics worker (the API's `POST /v1/models/yield/train`).
 */
export async function trainAndSave(input: {
  modelsDir: string;
  seasons: readonly LabelledSeason[];
  options: YieldTrainingOptions;
  extra: Record<string, unknown>;
  promote: boolean;
}): Promise<TrainedVersion> {
  const backend = await initTfBackend();
  const store = createModelStore({ dir: input.modelsDir });
  const { model, meta } = await trainYieldModel(input.seasons, input.options);
  try {
    const version = await store.save('yield', model, { ...meta, backend, ...input.extra });
    if (input.promote) await store.promote('yield', version);
    return {
      version,
      promoted: input.promote,
      backend,
      data: meta.data,
      evaluation: meta.evaluation,
    };
  } finally {
    model.dispose();
  }
}
