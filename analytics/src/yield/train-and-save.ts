import { ShambaError } from '@shamba/schemas';
import { initTfBackend } from '../models/tf-backend.js';
import { createModelStore, type ModelOwner } from '../models/model-store.js';
import { promotionRefusal } from '../models/promotion-check.js';
import { FEATURE_NAMES } from './yield-features.js';
import { trainYieldModel, type LabelledSeason, type YieldModelMeta } from './train-yield-model.js';
import type { YieldTrainingOptions } from './yield-training-options.js';

/** A version's meta lists at most this many excluded seasons (and counts them all). */
export const MAX_LISTED_EXCLUSIONS = 100;

/** A season left out of training, and why (recorded in the version's meta). */
export interface ExcludedSeason {
  id: string;
  reason: string;
}

export interface TrainedVersion {
  version: string;
  /** The cooperative the version belongs to, or null for a shared one. */
  owner: ModelOwner;
  promoted: boolean;
  /** Why a requested promotion was refused (the version is saved, not promoted), else absent. */
  promotionRefused?: string;
  backend: string;
  data: YieldModelMeta['data'];
  evaluation: YieldModelMeta['evaluation'];
  /** The first MAX_LISTED_EXCLUSIONS seasons left out, and how many were. */
  excluded: { count: number; seasons: ExcludedSeason[] };
}

/**
 * Seasons known only by their end-of-season row (history) whose row is not all finite numbers:
 * one NaN input makes every forecast of the model NaN, so they are left out, each with the
 * features it lacks. Simulated seasons carry their days, and are checked by the evaluation.
 */
export function splitUntrainable(seasons: readonly LabelledSeason[]): {
  trainable: LabelledSeason[];
  excluded: ExcludedSeason[];
} {
  const trainable: LabelledSeason[] = [];
  const excluded: ExcludedSeason[] = [];
  for (const season of seasons) {
    const bad = (season.endOfSeason ?? [])
      .map((v, j) => (Number.isFinite(v) ? null : (FEATURE_NAMES[j] ?? `feature ${j}`)))
      .filter((n): n is string => n !== null);
    if (!Number.isFinite(season.yieldTHa)) bad.push('yieldTHa');
    if (bad.length === 0) trainable.push(season);
    else excluded.push({ id: season.id, reason: `no finite ${bad.join(', ')}` });
  }
  return { trainable, excluded };
}

/** Every number a model is judged by: one NaN or infinity and the model is not known to work. */
function nonFiniteEvaluation(meta: YieldModelMeta): string[] {
  const { model, fao33 } = meta.evaluation;
  const numbers: [string, number][] = [
    ['model RMSE', model.rmseTHa],
    ['model MAE', model.maeTHa],
    ['FAO-33 RMSE', fao33.rmseTHa],
    ['final training loss', meta.finalLoss],
  ];
  return numbers.filter(([, v]) => !Number.isFinite(v)).map(([name, v]) => `${name} ${v}`);
}

/**
 * Trains a yield model version and saves it (with its meta and `extra`, e.g. the scenario and the
 * history it learned from) in its owner's folder (`<modelsDir>/yield/` for a shared one,
 * `<modelsDir>/coops/<coopId>/yield/` for a cooperative's; see ModelStore) and promotes it for
 * that owner when asked and when it may be (see `promotionRefusal`). The same in the CLI's own
 * thread and in an analytics worker (the API's `POST /v1/models/yield/train`). A model whose
 * evaluation is not finite is refused (INVALID_REQUEST) and nothing is saved.
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
  const split = splitUntrainable(input.seasons);
  const excluded = {
    count: split.excluded.length,
    seasons: split.excluded.slice(0, MAX_LISTED_EXCLUSIONS),
  };
  const trainable = split.trainable;
  const { model, meta } = await trainYieldModel(trainable, input.options);
  try {
    const broken = nonFiniteEvaluation(meta);
    if (broken.length > 0)
      throw new ShambaError(
        'INVALID_REQUEST',
        `training gave a model that cannot be evaluated (${broken.join(', ')}): nothing was saved; check the seasons' features and yields, or lower the learning rate`,
      );
    const version = await store.save('yield', model, {
      ...meta,
      backend,
      ...input.extra,
      excluded,
    });
    const refused = input.promote ? promotionRefusal('yield', meta) : null;
    if (input.promote && refused === null) await store.promote('yield', version);
    return {
      version,
      owner: input.owner,
      promoted: input.promote && refused === null,
      ...(refused === null ? {} : { promotionRefused: refused }),
      backend,
      data: meta.data,
      evaluation: meta.evaluation,
      excluded,
    };
  } finally {
    model.dispose();
  }
}
