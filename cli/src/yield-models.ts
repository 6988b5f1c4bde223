import { join } from 'node:path';
import type { TrainRequest, YieldModels } from '@shamba/api';
import {
  DEFAULT_YIELD_TRAINING,
  createModelStore,
  historySeasons,
  listEveryOwner,
  type ModelOwner,
  type LabelledSeason,
  type WorkerPool,
} from '@shamba/analytics';
import { simulateSeasons } from '@shamba/world';
import { ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { loadScenario } from './scenarios.js';

/**
 * The yield models behind the API: versions on disk under `<data dir>/models`, each owned by a
 * cooperative or shared (see ModelStore), training in an analytics worker on seasons simulated
 * from a scenario plus the owning cooperative's uploaded history (a shared one: none).
 */
export function createYieldModels(options: {
  registry: Registry;
  pool: WorkerPool;
  dataDir: string;
}): YieldModels {
  const modelsDir = join(options.dataDir, 'models');
  const storeOf = (owner: ModelOwner) => createModelStore({ dir: modelsDir, owner });
  return {
    list: (scope) =>
      'every' in scope ? listEveryOwner(modelsDir, 'yield') : storeOf(scope.owner).list('yield'),
    inUse: (owner) => storeOf(owner).inUse('yield'),
    promote: (owner, version) => storeOf(owner).promote('yield', version),
    async train(request: TrainRequest, owner) {
      const base = await loadScenario(request.scenario).catch(() => {
        throw new ShambaError('INVALID_REQUEST', `no scenario ${request.scenario}`);
      });
      const training = {
        ...DEFAULT_YIELD_TRAINING,
        seed: request.seed,
        ...(request.epochs === undefined ? {} : { epochs: request.epochs }),
        ...(request.hiddenUnits === undefined ? {} : { hiddenUnits: request.hiddenUnits }),
        ...(request.learningRate === undefined ? {} : { learningRate: request.learningRate }),
      };
      const simulated: LabelledSeason[] = simulateSeasons({
        base,
        count: request.seasons,
        seed: training.seed,
      }).map((s) => ({
        ...s,
        id: `${s.scenarioId}/${s.seed}/${s.fieldId}`,
        group: `${s.scenarioId}/${s.seed}`,
      }));
      // A cooperative's version learns from its own history only; a shared one from none, so
      // that no cooperative's history (poisoned or private) shapes another's forecasts.
      const history =
        owner === null
          ? []
          : historySeasons(owner, await options.registry.yieldHistory.list(owner));
      return {
        ...(await options.pool.run('yield.train', {
          modelsDir,
          owner,
          seasons: [...simulated, ...history],
          options: training,
          extra: { scenario: base.id, historyCoops: owner === null ? [] : [owner] },
          promote: request.promote,
        })),
      };
    },
  };
}

/** The yield model `shamba start --demo` trains when none is in use: small, seeded, quick. */
export const DEMO_YIELD_TRAINING = {
  scenario: 'oromia-drought',
  seasons: 40,
  seed: 1,
  epochs: 60,
  promote: true,
} as const;

/**
 * A demo cooperative's forecasts from its first minute: when neither the cooperative nor the
 * shared store has a promoted yield model, trains a shared one (simulated seasons only, in an
 * analytics worker) and promotes it. Returns the version in use.
 */
export async function ensureYieldModel(options: {
  registry: Registry;
  pool: WorkerPool;
  dataDir: string;
  coopId: string;
}): Promise<string> {
  const models = createYieldModels(options);
  const inUse = await models.inUse(options.coopId);
  if (inUse !== null) return inUse.version;
  const trained = await models.train({ ...DEMO_YIELD_TRAINING }, null);
  return String(trained.version);
}
