import { join } from 'node:path';
import type { TrainRequest, YieldModels } from '@shamba/api';
import {
  DEFAULT_YIELD_TRAINING,
  createModelStore,
  historySeasons,
  type LabelledSeason,
  type WorkerPool,
} from '@shamba/analytics';
import { simulateSeasons } from '@shamba/firmware-sim';
import { ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { loadScenario } from './scenarios.js';

/**
 * The yield models behind the API: versions on disk under `<data dir>/models`, training in an
 * analytics worker on seasons simulated from a scenario plus the cooperatives' uploaded history.
 */
export function createYieldModels(options: {
  registry: Registry;
  pool: WorkerPool;
  dataDir: string;
}): YieldModels {
  const modelsDir = join(options.dataDir, 'models');
  const store = createModelStore({ dir: modelsDir });
  return {
    list: () => store.list('yield'),
    promote: (version) => store.promote('yield', version),
    async train(request: TrainRequest, historyCoops) {
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
      const history = (
        await Promise.all(
          historyCoops.map(async (coopId) =>
            historySeasons(coopId, await options.registry.yieldHistory.list(coopId)),
          ),
        )
      ).flat();
      return {
        ...(await options.pool.run('yield.train', {
          modelsDir,
          seasons: [...simulated, ...history],
          options: training,
          extra: { scenario: base.id, historyCoops: historyCoops.filter((c) => c !== '') },
          promote: request.promote,
        })),
      };
    },
  };
}
