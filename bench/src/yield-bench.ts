import { performance } from 'node:perf_hooks';
import { DEFAULT_YIELD_TRAINING } from '@shamba/analytics';
import { initTfBackend, trainYieldModel, type LabelledSeason } from '@shamba/analytics/models';
import { BUILT_IN_SCENARIOS, simulateSeasons } from '@shamba/world';

/**
 * `pnpm bench yield`: the yield forecast's P10-P90 band against the truth of simulated seasons it
 * never saw, at 10, 25, 50, 75 and 90 % of the season, beside its peer, FAO-33's water production
 * function (Doorenbos & Kassam 1979) with ETa/ETm so far. Independent field-seasons (each its own
 * weather-year) from `oromia-drought`: 500 train the network (the default hyperparameters), half
 * the rest calibrates its band (conformalized quantile regression, Romano et al. 2019), half is
 * the check (1,250 seasons: a coverage measured on n seasons is itself uncertain by about
 * √(0.16 / n), 1.1 % here). Aim: coverage 0.80 ± 0.05 at each point; ratio < 1 means the model's P50 is closer to
 * the truth than FAO-33.
 */
const SEASONS = Number(process.env.BENCH_YIELD_SEASONS ?? 3000);
/** Seasons the network trains on; the rest, half and half, calibrate and check its band. */
const TRAIN_SEASONS = 500;
const SEED = Number(process.env.BENCH_YIELD_SEED ?? 7);

export async function yieldBench(): Promise<Record<string, number>> {
  const backend = await initTfBackend();
  const t0 = performance.now();
  const seasons: LabelledSeason[] = simulateSeasons({
    base: BUILT_IN_SCENARIOS['oromia-drought']!,
    count: SEASONS,
    seed: SEED,
    weatherPerField: true,
  }).map((s) => ({ ...s, id: `${s.seed}/${s.fieldId}`, group: String(s.seed) }));
  const simulateSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const { model, meta } = await trainYieldModel(seasons, {
    ...DEFAULT_YIELD_TRAINING,
    seed: SEED,
    heldOutShare: 1 - TRAIN_SEASONS / SEASONS,
  });
  const trainSeconds = (performance.now() - t1) / 1000;
  model.dispose();
  const table = meta.evaluation.bySeasonFraction;
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  console.error(
    `yield: ${SEASONS} simulated field-seasons (${simulateSeconds.toFixed(1)} s), trained on ` +
      `${meta.data.trainSeasons} in ${trainSeconds.toFixed(1)} s (${backend}); band calibrated on ` +
      `${meta.calibration?.calibrationRows ?? 0} rows; checked on ${table[0]?.rows ?? 0} unseen seasons\n` +
      '  season   P10-P90 coverage   mean band t/ha   model RMSE t/ha   FAO-33 RMSE t/ha\n' +
      table
        .map(
          (r) =>
            `  ${pct(r.seasonFraction).padStart(7)}  ${pct(r.coverage).padStart(16)}  ` +
            `${r.meanBandTHa.toFixed(3).padStart(15)}  ${r.modelRmseTHa.toFixed(3).padStart(16)}  ` +
            `${r.fao33RmseTHa.toFixed(3).padStart(17)}`,
        )
        .join('\n') +
      `\n  peer (FAO-33): overall RMSE ${meta.evaluation.fao33.rmseTHa} t/ha against the model's ` +
      `${meta.evaluation.model.rmseTHa}; ratio ours/peer ` +
      `${(meta.evaluation.model.rmseTHa / meta.evaluation.fao33.rmseTHa).toFixed(2)}`,
  );
  return {
    seasons: SEASONS,
    unseenSeasons: table[0]?.rows ?? 0,
    simulateSeconds,
    trainSeconds,
    ...Object.fromEntries(
      table.flatMap((r) => {
        const at = Math.round(r.seasonFraction * 100);
        return [
          [`coverage${at}`, r.coverage],
          [`bandTHa${at}`, r.meanBandTHa],
          [`rmseTHa${at}`, r.modelRmseTHa],
          [`fao33RmseTHa${at}`, r.fao33RmseTHa],
        ];
      }),
    ),
    rmseTHa: meta.evaluation.model.rmseTHa,
    peerRmseTHa: meta.evaluation.fao33.rmseTHa,
    ratio: meta.evaluation.model.rmseTHa / meta.evaluation.fao33.rmseTHa,
  };
}
