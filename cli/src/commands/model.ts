import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_YIELD_TRAINING,
  createModelStore,
  listEveryOwner,
  historySeasons,
  parseYieldHistoryCsv,
  type LabelledSeason,
} from '@shamba/analytics';
import { simulateSeasons } from '@shamba/world';
import { isId } from '@shamba/schemas';
import { loadConfig } from '../config.js';
import { loadScenario } from '../scenarios.js';
import type { Command } from './command.js';

const USAGE = `Usage: shamba model train [options]     train a yield model version
       shamba model list [--coop ID]      versions, their owner and evaluation, which is promoted
       shamba model promote VERSION [--coop ID]   use VERSION for forecasts

Versions belong to a cooperative (--coop ID) or are shared (no --coop). A cooperative's
forecasts use the version it promoted, else the shared promoted one. list: without --coop every
owner's versions (promoted by their owner); with it, the cooperative's and the shared ones
(promoted by that cooperative). promote: without --coop, a shared version for everyone without
their own; with it, one of the cooperative's versions, or a shared one it adopts.

train: seasons simulated by the firmware simulator's world (labelled "simulated") from a
scenario's fields, soils and climate, with the rain and nitrogen varied; whole weather-years
are held out for evaluation (RMSE, MAE, P10-P90 coverage), beside FAO-33's water production
function. The version is saved as TF.js model files under <data-dir>/models/yield/ (shared) or
<data-dir>/models/coops/ID/yield/ (--coop ID).

  --scenario NAME|FILE   fields and climate to simulate       (default oromia-drought)
  --seasons N            simulated weather-years               (default 60)
  --seed N               seeds the simulation and training     (default ${DEFAULT_YIELD_TRAINING.seed})
  --epochs N             (default ${DEFAULT_YIELD_TRAINING.epochs})
  --hidden-units N       (default ${DEFAULT_YIELD_TRAINING.hiddenUnits})
  --learning-rate X      (default ${DEFAULT_YIELD_TRAINING.learningRate})
  --history FILE.csv     also learn from a cooperative's own field-seasons (columns:
                         season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,
                         gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral), labelled "history"
  --coop ID              the cooperative the version belongs to (and the history is from);
                         without it the version is shared
  --promote              promote the new version
  --data-dir DIR         (SHAMBA_DATA_DIR, default ./data)
  -h, --help`;

export const modelCommand: Command = {
  name: 'model',
  usage: USAGE,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        scenario: { type: 'string', default: 'oromia-drought' },
        seasons: { type: 'string', default: '60' },
        seed: { type: 'string', default: String(DEFAULT_YIELD_TRAINING.seed) },
        epochs: { type: 'string', default: String(DEFAULT_YIELD_TRAINING.epochs) },
        'hidden-units': { type: 'string', default: String(DEFAULT_YIELD_TRAINING.hiddenUnits) },
        'learning-rate': { type: 'string', default: String(DEFAULT_YIELD_TRAINING.learningRate) },
        promote: { type: 'boolean' },
        history: { type: 'string' },
        coop: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [verb, version] = positionals;
    if (values.help === true || verb === undefined) {
      console.log(USAGE);
      return values.help === true ? 0 : 2;
    }
    // TF.js loads here, not when the CLI starts: other commands never pay for it.
    const { trainAndSave } = await import('@shamba/analytics/models');
    const config = loadConfig({ dataDir: values['data-dir'] }, env);
    const coop = values.coop ?? null;
    if (coop !== null && !isId(coop)) throw new Error(`--coop ${coop} is not a cooperative id`);
    const modelsDir = join(config.dataDir, 'models');
    const store = createModelStore({ dir: modelsDir, owner: coop });
    if (verb === 'list') {
      // Without --coop: each owner's own versions, shared first; with it: the cooperative's view.
      const versions = coop === null ? listEveryOwner(modelsDir, 'yield') : store.list('yield');
      for (const v of await versions) {
        console.log(
          JSON.stringify({
            version: v.version,
            owner: v.owner,
            promoted: v.promoted,
            evaluation: v.meta.evaluation,
          }),
        );
      }
      return 0;
    }
    if (verb === 'promote') {
      if (version === undefined)
        throw new Error('promote needs a VERSION (see `shamba model list`)');
      const promoted = await store.promote('yield', version);
      console.log(JSON.stringify({ coop, promoted: promoted.version, owner: promoted.owner }));
      return 0;
    }
    if (verb !== 'train') throw new Error(`unknown model command "${verb}"`);
    const int = (name: string, value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
      return n;
    };
    const training = {
      ...DEFAULT_YIELD_TRAINING,
      seed: int('seed', values.seed),
      epochs: int('epochs', values.epochs),
      hiddenUnits: int('hidden-units', values['hidden-units']),
      learningRate: Number(values['learning-rate']),
    };
    if (!(training.learningRate > 0 && training.learningRate < 1))
      throw new Error('--learning-rate must be in (0, 1)');
    const base = await loadScenario(values.scenario);
    const simulated: LabelledSeason[] = simulateSeasons({
      base,
      count: int('seasons', values.seasons),
      seed: training.seed,
    }).map((s) => ({
      ...s,
      id: `${s.scenarioId}/${s.seed}/${s.fieldId}`,
      group: `${s.scenarioId}/${s.seed}`,
    }));
    const history =
      values.history === undefined
        ? []
        : historySeasons(
            coop ?? 'history',
            parseYieldHistoryCsv(await readFile(values.history, 'utf8')),
          );
    const result = await trainAndSave({
      modelsDir,
      owner: coop,
      seasons: [...simulated, ...history],
      options: training,
      extra: {
        scenario: base.id,
        ...(values.history === undefined
          ? {}
          : { history: { coop: coop ?? 'history', file: values.history } }),
      },
      promote: values.promote === true,
    });
    console.log(JSON.stringify(result));
    return 0;
  },
};
