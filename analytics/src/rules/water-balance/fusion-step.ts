import { DAY_MS } from '@shamba/schemas';
import type { Field, IrrigationPrescription, Prescription } from '@shamba/schemas';
import { N_SCENE_MAX_AGE_DAYS, cropDay, fieldZones, type CropParameters } from '@shamba/agronomy';
import { MIN_FUSION_ZONES, fusionRow, type FusionRow } from '../../fusion/fusion-features.js';
import type { ClearScene } from '../../prescriptions/clear-scene.js';
import type { AfterPassDeps, PassEntry } from '../rule.js';
import { WATER_BALANCE_TASK, type WaterBalanceRuleInput } from './water-balance-prescription.js';

/** A field's current water-balance prescription, as the fusion step needs it. */
interface FusionEntry {
  field: Field;
  latest: IrrigationPrescription;
  crop: CropParameters;
  scene: ClearScene | undefined;
  /** Recomputes this field's (new) prescription with fused depletion for some zones. */
  rerun?: (fused: NonNullable<WaterBalanceRuleInput['fused']>) => Promise<Prescription>;
}

type FusedZone = NonNullable<WaterBalanceRuleInput['fused']>[string];

/** A zone to estimate: its field's entry and its features. */
interface FusionTarget {
  entry: FusionEntry;
  zoneId: string;
  row: FusionRow;
}

/** A probed zone to learn from: its features and its measured depletion, a share of TAW. */
type TrainingRow = FusionRow & { share: number };

/**
 * The water-balance rule's second step: per cooperative, zones with neither a probe nor a
 * balance since sowing get their depletion from a model fitted on the cooperative's probed
 * zones (with a recent clear scene's NDVI and NDMI), and their fields' prescriptions (those
 * made in this pass) are made again. The prescriptions made again, for the pass to store.
 */
export async function fuseZones(
  passEntries: readonly PassEntry[],
  deps: AfterPassDeps,
): Promise<Prescription[]> {
  const entries = passEntries.flatMap((e) => fusionEntry(e, deps));
  const replaced: Prescription[] = [];
  for (const coopEntries of byCooperative(entries)) {
    const { train, targets } = fusionRows(coopEntries);
    if (train.length < MIN_FUSION_ZONES || targets.length === 0) continue;
    const perField = await predictDepletion(train, targets, deps);
    for (const [entry, fused] of perField) replaced.push(await entry.rerun!(fused));
  }
  return replaced;
}

/** The entries grouped by cooperative: a model learns only from its own cooperative's zones. */
function byCooperative(entries: readonly FusionEntry[]): FusionEntry[][] {
  const byCoop = new Map<string, FusionEntry[]>();
  for (const e of entries) {
    const list = byCoop.get(e.field.coopId) ?? [];
    list.push(e);
    byCoop.set(e.field.coopId, list);
  }
  return [...byCoop.values()];
}

/**
 * The cooperative's zones seen in a recent scene: probed ones to train on, and those whose Dr
 * came from nowhere or from their siblings to estimate (in fields made in this pass).
 */
function fusionRows(coopEntries: readonly FusionEntry[]): {
  train: TrainingRow[];
  targets: FusionTarget[];
} {
  const train: TrainingRow[] = [];
  const targets: FusionTarget[] = [];
  for (const entry of coopEntries) {
    const das = Number(entry.latest.parameters.daysAfterSowing ?? 0);
    const recent =
      entry.scene !== undefined &&
      entry.latest.asOfMs - entry.scene.acquiredMs <= N_SCENE_MAX_AGE_DAYS * DAY_MS;
    for (const spec of fieldZones(entry.field)) {
      const zone = entry.latest.zones?.find((z) => z.zoneId === spec.id);
      const ndvi = recent ? entry.scene!.ndviByZone[spec.id] : null;
      if (zone === undefined || ndvi === null || ndvi === undefined) continue;
      const row = fusionRow({
        ndvi,
        ndmi: entry.scene!.ndmiByZone[spec.id] ?? null,
        soil: spec.soil,
        rootDepthM: spec.rootDepthM,
        kc: cropDay(entry.crop, das, spec.rootDepthM).kc,
      });
      if (zone.drSource === 'sensor' && zone.drMm !== null && zone.tawMm)
        train.push({ ...row, share: Math.min(1, zone.drMm / zone.tawMm) });
      else if (
        entry.rerun !== undefined &&
        (zone.drSource === null || zone.drSource === 'sibling-zones')
      )
        targets.push({ entry, zoneId: spec.id, row });
    }
  }
  return { train, targets };
}

/** Fits the model on the training rows in the worker pool; each field's fused zones. */
async function predictDepletion(
  train: TrainingRow[],
  targets: readonly FusionTarget[],
  { pool, timed }: AfterPassDeps,
): Promise<Map<FusionEntry, Record<string, FusedZone>>> {
  const result = await timed('compute', () =>
    pool.run('fusion.fit-predict', {
      train,
      predict: targets.map((t) => t.row),
      seed: 1,
    }),
  );
  const perField = new Map<FusionEntry, Record<string, FusedZone>>();
  targets.forEach((t, i) => {
    const fused = perField.get(t.entry) ?? {};
    fused[t.zoneId] = {
      ...result.predictions[i]!,
      trainedOn: result.trainedOn,
      model: result.model,
    };
    perField.set(t.entry, fused);
  });
  return perField;
}

/** A pass entry as the fusion step reads it; only a prescription made in this pass is rerun. */
function fusionEntry({ field, context, prescription, plan }: PassEntry, deps: AfterPassDeps) {
  if (prescription.kind !== 'irrigation') return [];
  const entry: FusionEntry = {
    field,
    latest: prescription,
    crop: context.crop,
    scene: context.scene,
  };
  if (plan !== undefined) {
    // This rule's own plan (PassEntry holds any rule's).
    const input = plan.input as WaterBalanceRuleInput;
    entry.rerun = (fused) =>
      deps.timed('compute', () => deps.pool.run(WATER_BALANCE_TASK.name, { ...input, fused }));
  }
  return [entry];
}
