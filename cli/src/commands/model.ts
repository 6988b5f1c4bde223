import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_YIELD_TRAINING,
  historySeasons,
  parseYieldHistoryCsv,
  type LabelledSeason,
} from '@shamba/analytics';
import { simulateSeasons } from '@shamba/firmware-sim';
import { loadConfig } from '../config.js';
import { loadScenario } from '../scenarios.js';
import type { Command } from './command.js';

const USAGE = `Usage: shamba model train [options]     train a yield model version
       shamba model list                  versions, their evaluation, which is promoted
       shamba model promote VERSION       use VERSION for forecasts

train: seasons simulated by the firmware simulator's world (labelled "simulated") from a
scenario's fields, soils and climate, with the rain and nitrogen varied; whole weather-years
are held out for evaluation (RMSE, MAE, P10-P90 coverage), beside FAO-33's water production
function. The version is saved under <data-dir>/models/yield/ as TF.js model files.

  --scenario NAME|FILE   fields and climate to simulate       (default oromia-drought)
  --seasons N            simulated weather-years               (default 60)
  --seed N               seeds the simulation and training     (default ${DEFAULT_YIELD_TRAINING.seed})
  --epochs N             (default ${DEFAULT_YIELD_TRAINING.epochs})
  --hidden-units N       (default ${DEFAULT_YIELD_TRAINING.hiddenUnits})
  --learning-rate X      (default ${DEFAULT_YIELD_TRAINING.learningRate})
  --history FILE.csv     also learn from a cooperative's own field-seasons (columns:
                         season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,
                         gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral), labelled "history"
  --coop ID              the cooperative the history is from     (default history)
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
        coop: { type: 'string', default: 'history' },
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
    const { createModelStore, trainAndSave } = await import('@shamba/analytics/models');
    const config = loadConfig({ dataDir: values['data-dir'] }, env);
    const store = createModelStore({ dir: join(config.dataDir, 'models') });
    if (verb === 'list') {
      for (const v of await store.list('yield')) {
        console.log(
          JSON.stringify({
            version: v.version,
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
      await store.promote('yield', version);
      console.log(JSON.stringify({ promoted: version }));
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
        : historySeasons(values.coop, parseYieldHistoryCsv(await readFile(values.history, 'utf8')));
    const result = await trainAndSave({
      modelsDir: join(config.dataDir, 'models'),
      seasons: [...simulated, ...history],
      options: training,
      extra: {
        scenario: base.id,
        ...(values.history === undefined
          ? {}
          : { history: { coop: values.coop, file: values.history } }),
      },
      promote: values.promote === true,
    });
    console.log(JSON.stringify(result));
    return 0;
  },
};
