import type { Logger } from 'pino';
import pMap from 'p-map';
import type { Field, Prescription } from '@shamba/schemas';
import type { FieldSceneIndices, ReadingQuery, Registry, TimeSeriesStore } from '@shamba/storage';
import { localDate } from '../agronomy/weather/daily-weather.js';
import { createFieldData, type FieldData } from './field-data.js';
import { indexMean } from '../raster/field-indices.js';
import { visibleSeries } from '../scenes/scene-visibility.js';
import { cropFor, parameterSetLabel } from '../crops/parameter-sets.js';
import {
  MAX_BALANCE_DAYS,
  WATER_BALANCE_RULE,
  addDays,
  fieldZones,
  type WaterBalanceRuleInput,
} from '../irrigation/water-balance-rule.js';
import { N_SCENE_MAX_AGE_DAYS } from '../agronomy/nitrogen/zone-nitrogen.js';
import { cropDay } from '../agronomy/water-balance/crop-coefficient.js';
import type { CropParameters } from '../crops/crop-parameters.js';
import { MIN_FUSION_ZONES, fusionRow, type FusionRow } from '../fusion/fusion-features.js';
import type { WorkerPool } from '../worker/worker-pool.js';

export interface PrescriptionServiceOptions {
  registry: Registry;
  store: TimeSeriesStore;
  pool: WorkerPool;
  logger: Logger;
  clock?: () => number;
  /** How often fields are checked for new readings. */
  intervalMs?: number;
  /**
   * Readings older than this before the newest one are not used by the sensor-only rule. Six
   * hours spans a day's worth of missed 15-minute samples from a probe with a weak signal, yet
   * excludes yesterday's state.
   */
  windowMs?: number;
}

export interface PrescriptionService extends AsyncDisposable {
  /** Recomputes every field with readings newer than its latest prescription. */
  runOnce(): Promise<Prescription[]>;
  start(): void;
  status(): {
    runs: number;
    lastRunMs: number | null;
    lastError: string | null;
    /** Time spent per stage in the last pass, ms (query, weather summary, compute, store). */
    lastStagesMs: Record<Stage, number>;
  };
  close(): Promise<void>;
}

export type Stage = 'query' | 'weather' | 'compute' | 'store';

export const DEFAULT_WINDOW_MS = 6 * 3_600_000;
/**
 * Probe readings further back than this are not read: every probe day resets a zone's Dr, so
 * only the newest few days can matter, and the balance carries Dr from there.
 */
export const PROBE_LOOKBACK_DAYS = 3;
const DAY_MS = 86_400_000;

/**
 * Keeps every field's prescription current. A field whose weather station has a record gets the
 * FAO-56 water balance per zone (`irrigation.water-balance`); one without weather gets the
 * sensor-only rule (`irrigation.soil-moisture`). The computing runs in the analytics workers.
 */
export function createPrescriptionService(
  options: PrescriptionServiceOptions,
): PrescriptionService {
  const { registry, store, pool, logger } = options;
  const clock = options.clock ?? Date.now;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const zeroStages = (): Record<Stage, number> => ({ query: 0, weather: 0, compute: 0, store: 0 });
  const state = {
    runs: 0,
    lastRunMs: null as number | null,
    lastError: null as string | null,
    lastStagesMs: zeroStages(),
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Prescription[]> | undefined;

  /** What one pass knows once: each coop's offset and stations, each station's summary. */
  interface Pass {
    stages: Record<Stage, number>;
    data: FieldData;
    /** Every field's current water-balance prescription, for the fusion model's second step. */
    fusion: FusionEntry[];
  }
  interface FusionEntry {
    field: Field;
    latest: Prescription;
    crop: CropParameters;
    scene: ClearScene | undefined;
    /** Recomputes this field's (new) prescription with fused depletion for some zones. */
    rerun?: (fused: NonNullable<WaterBalanceRuleInput['fused']>) => Promise<Prescription>;
  }

  const timed = <T>(pass: Pass, stage: Stage, work: () => Promise<T>): Promise<T> =>
    timeStage(pass.stages, stage, work);

  async function prescribe(field: Field, pass: Pass): Promise<Prescription | undefined> {
    const context = await pass.data.coop(field.coopId);
    const stations = pass.data.stationsFor(context, field);
    const newest = (query: Omit<ReadingQuery, 'fromMs' | 'toMs' | 'limit'>) =>
      store.query({ ...query, fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 1 });
    const [[soil], [weather], previous, series] = await timed(pass, 'query', () =>
      Promise.all([
        newest({ fieldId: field.id, stream: 'soil' }),
        stations.length === 0
          ? Promise.resolve([])
          : newest({ deviceIds: stations, stream: 'weather' }),
        registry.prescriptions.latest(field.id),
        // Only scenes the field's cooperative may use (its own and the shared ones).
        registry.scenes.fieldSeries(field.id).then((s) => visibleSeries(s, field.coopId)),
      ]),
    );
    const asOfMs = Math.max(soil?.timeMs ?? -1, weather?.timeMs ?? -1);
    if (asOfMs < 0) return undefined;
    const scene = latestClearScene(series, asOfMs);
    const parameterSet = parameterSetLabel(context.parameterSet);
    const crop = cropFor(field.crop, context.parameterSet);
    // New readings make a new prescription; so does a newly published parameter set, and a new
    // scene for the water-balance rule, whose N rate depends on it.
    if (
      previous !== undefined &&
      previous.asOfMs >= asOfMs &&
      (previous.parameters.parameterSet ?? 'built-in') === parameterSet &&
      (previous.rule.name !== WATER_BALANCE_RULE.name ||
        (previous.parameters.sceneId === (scene?.sceneId ?? 'none') &&
          previous.parameters.forecastIssuedAt === (context.forecast?.issuedAt ?? 'none')))
    ) {
      if (previous.rule.name === WATER_BALANCE_RULE.name)
        pass.fusion.push({ field, latest: previous, crop, scene });
      return undefined;
    }

    let prescription: Prescription | undefined;
    if (weather !== undefined) {
      const offset = context.utcOffsetMinutes;
      const today = localDate(asOfMs, offset);
      const earliest = addDays(today, -MAX_BALANCE_DAYS);
      const start = field.plantingDate > earliest ? field.plantingDate : earliest;
      const startMs = Date.parse(`${start}T00:00:00Z`) - offset * 60_000;
      const summary = await pass.data.station(stations, startMs, offset);
      // Until the station has one complete day, the probes alone decide.
      if (summary.days.some((d) => d.complete && d.dateIso < today)) {
        const probeFromMs = Math.max(startMs, asOfMs - PROBE_LOOKBACK_DAYS * DAY_MS);
        const [probes, status] = await timed(pass, 'query', () =>
          Promise.all([
            store.query({
              fieldId: field.id,
              stream: 'soil',
              fromMs: probeFromMs,
              toMs: asOfMs + 1,
            }),
            store.query({ fieldId: field.id, stream: 'status', fromMs: startMs, toMs: asOfMs + 1 }),
          ]),
        );
        const ruleInput: WaterBalanceRuleInput = {
          field,
          utcOffsetMinutes: offset,
          weather: summary,
          soil: probes,
          status: status.filter((r) => r.values.appliedMm !== undefined),
          asOfMs,
          createdAtMs: clock(),
          crop,
          parameterSet,
          ...(context.forecast === undefined ? {} : { weatherForecast: context.forecast }),
          ...(scene === undefined
            ? {}
            : {
                scene: {
                  sceneId: scene.sceneId,
                  acquiredMs: scene.acquiredMs,
                  ndviByZone: scene.ndviByZone,
                },
              }),
        };
        const made = await timed(pass, 'compute', () =>
          pool.run('irrigation.water-balance', ruleInput),
        );
        prescription = made;
        pass.fusion.push({
          field,
          latest: made,
          crop,
          scene,
          rerun: (fused) =>
            timed(pass, 'compute', () =>
              pool.run('irrigation.water-balance', { ...ruleInput, fused }),
            ),
        });
      }
    }
    if (prescription === undefined) {
      if (soil === undefined) return undefined;
      const fromMs = soil.timeMs - windowMs;
      const toMs = soil.timeMs + 1;
      const readings = await timed(pass, 'query', () =>
        store.query({ fieldId: field.id, stream: 'soil', fromMs, toMs }),
      );
      prescription = await timed(pass, 'compute', () =>
        pool.run('irrigation.soil-moisture', {
          field,
          readings,
          fromMs,
          toMs,
          createdAtMs: clock(),
          crop,
          parameterSet,
        }),
      );
    }
    await timed(pass, 'store', () => registry.prescriptions.add(prescription));
    logger.debug(
      {
        fieldId: field.id,
        rule: prescription.rule.name,
        action: prescription.action,
        grossDepthMm: prescription.grossDepthMm,
      },
      'prescription',
    );
    return prescription;
  }

  async function runOnce(): Promise<Prescription[]> {
    const stages = zeroStages();
    const pass: Pass = {
      stages,
      fusion: [],
      data: createFieldData({
        registry,
        store,
        clock,
        timed: (stage, work) => timeStage(stages, stage, work),
      }),
    };
    const made: Prescription[] = [];
    const fields = await registry.fields.list();
    // As many fields in flight as the pool has workers (plus one querying), in field order.
    await pMap(
      fields,
      async (field) => {
        try {
          const prescription = await prescribe(field, pass);
          if (prescription !== undefined) made.push(prescription);
        } catch (error) {
          // One field's failure must not stop the others.
          state.lastError = error instanceof Error ? error.message : String(error);
          logger.error({ err: error, fieldId: field.id }, 'prescription failed');
        }
      },
      { concurrency: Math.max(1, pool.status().size) + 1 },
    );
    // Second step: zones with neither a probe nor a balance since sowing get their depletion
    // from a model fitted on the cooperative's probed zones.
    // A failure here keeps the first step's prescriptions (siblings' Dr) and the service up.
    try {
      for (const replaced of await fuse(pass)) {
        const i = made.findIndex((p) => p.fieldId === replaced.fieldId);
        if (i >= 0) made[i] = replaced;
      }
    } catch (error) {
      state.lastError = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, 'soil-water fusion failed');
    }
    state.runs++;
    state.lastRunMs = clock();
    state.lastStagesMs = pass.stages;
    return made.sort((a, b) => a.fieldId.localeCompare(b.fieldId));
  }

  async function fuse(pass: Pass): Promise<Prescription[]> {
    const replaced: Prescription[] = [];
    const byCoop = new Map<string, FusionEntry[]>();
    for (const e of pass.fusion) {
      const list = byCoop.get(e.field.coopId) ?? [];
      list.push(e);
      byCoop.set(e.field.coopId, list);
    }
    for (const entries of byCoop.values()) {
      const train: (FusionRow & { share: number })[] = [];
      const targets: { entry: FusionEntry; zoneId: string; row: FusionRow }[] = [];
      for (const entry of entries) {
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
      const result = await timed(pass, 'compute', () =>
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
        await timed(pass, 'store', () => registry.prescriptions.add(prescription));
        replaced.push(prescription);
      }
    }
    return replaced;
  }

  const close = async () => {
    clearInterval(timer);
    timer = undefined;
    await running;
  };
  return {
    runOnce: () => {
      // Never two passes at once: a slow pass is joined, not doubled.
      running ??= runOnce().finally(() => (running = undefined));
      return running;
    },
    start() {
      timer ??= setInterval(() => {
        running ??= runOnce().finally(() => (running = undefined));
        // A pass that fails as a whole (the registry unreachable) is logged; the next one tries again.
        running.catch((error: unknown) => {
          state.lastError = error instanceof Error ? error.message : String(error);
          logger.error({ err: error }, 'prescription pass failed');
        });
      }, options.intervalMs ?? 5000);
    },
    status: () => ({ ...state }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Runs `work`, adding its time to `stages[stage]` (the benchmark's split by stage). */
async function timeStage<T>(
  stages: Record<Stage, number>,
  stage: Stage,
  work: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  try {
    return await work();
  } finally {
    stages[stage] += performance.now() - t0;
  }
}

interface ClearScene {
  sceneId: string;
  acquiredMs: number;
  ndviByZone: Record<string, number | null>;
  ndmiByZone: Record<string, number | null>;
}
type FusedZone = NonNullable<WaterBalanceRuleInput['fused']>[string];

/**
 * The newest scene up to `asOfMs` with a clear view of the field or of any of its zones, as
 * each zone's (or the field's, under its own id) mean NDVI and NDMI.
 */
function latestClearScene(
  series: readonly FieldSceneIndices[],
  asOfMs: number,
): ClearScene | undefined {
  for (let k = series.length - 1; k >= 0; k--) {
    const entry = series[k]!;
    if (entry.acquiredMs > asOfMs) continue;
    const indices = entry.indices as { zones?: Record<string, unknown> };
    const zones: [string, unknown][] =
      indices.zones === undefined ? [[entry.fieldId, indices]] : Object.entries(indices.zones);
    const ndviByZone = Object.fromEntries(zones.map(([id, z]) => [id, indexMean(z, 'ndvi')]));
    const ndmiByZone = Object.fromEntries(zones.map(([id, z]) => [id, indexMean(z, 'ndmi')]));
    if (Object.values(ndviByZone).some((v) => v !== null))
      return { sceneId: entry.sceneId, acquiredMs: entry.acquiredMs, ndviByZone, ndmiByZone };
  }
  return undefined;
}
