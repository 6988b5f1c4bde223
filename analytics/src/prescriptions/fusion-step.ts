import type { Field, Prescription } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { N_SCENE_MAX_AGE_DAYS, cropDay, fieldZones, type CropParameters } from '@shamba/agronomy';
import { MIN_FUSION_ZONES, fusionRow, type FusionRow } from '../fusion/fusion-features.js';
import type { WaterBalanceRuleInput } from '../irrigation/water-balance-rule.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import type { ClearScene } from './clear-scene.js';

const DAY_MS = 86_400_000;

/** A field's current water-balance prescription, as the fusion step needs it. */
export interface FusionEntry {
  field: Field;
  latest: Prescription;
  crop: CropParameters;
  scene: ClearScene | undefined;
  /** Recomputes this field's (new) prescription with fused depletion for some zones. */
  rerun?: (fused: NonNullable<WaterBalanceRuleInput['fused']>) => Promise<Prescription>;
}

type FusedZone = NonNullable<WaterBalanceRuleInput['fused']>[string];

/**
 * The prescription pass's second step: per cooperative, zones with neither a probe nor a balance
 * since sowing get their depletion from a model fitted on the cooperative's probed zones (with a
 * recent clear scene's NDVI and NDMI), and their fields' prescriptions are made again and
 * stored. The prescriptions it replaced.
 */
export async function fuseZones(
  entries: readonly FusionEntry[],
  deps: {
    pool: WorkerPool;
    registry: Registry;
    timed: <T>(stage: 'compute' | 'store', work: () => Promise<T>) => Promise<T>;
  },
): Promise<Prescription[]> {
  const { pool, registry, timed } = deps;
  const replaced: Prescription[] = [];
  const byCoop = new Map<string, FusionEntry[]>();
  for (const e of entries) {
    const list = byCoop.get(e.field.coopId) ?? [];
    list.push(e);
    byCoop.set(e.field.coopId, list);
  }
  for (const coopEntries of byCoop.values()) {
    const train: (FusionRow & { share: number })[] = [];
    const targets: { entry: FusionEntry; zoneId: string; row: FusionRow }[] = [];
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
    if (train.length < MIN_FUSION_ZONES || targets.length === 0) continue;
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
    for (const [entry, fused] of perField) {
      const prescription = await entry.rerun!(fused);
      await timed('store', () => registry.prescriptions.add(prescription));
      replaced.push(prescription);
    }
  }
  return replaced;
}
