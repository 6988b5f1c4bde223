import type { Logger } from 'pino';
import pMap from 'p-map';
import type { Field, Prescription } from '@shamba/schemas';
import type { ReadingQuery, Registry, TimeSeriesStore } from '@shamba/storage';
import { localDate, cropFor, parameterSetLabel, MAX_BALANCE_DAYS, addDays } from '@shamba/agronomy';
import { createFieldData, type FieldData } from './field-data.js';
import {
  WATER_BALANCE_RULE,
  type WaterBalanceRuleInput,
} from '../irrigation/water-balance-rule.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import { latestClearScene } from './clear-scene.js';
import { fuseZones, type FusionEntry } from './fusion-step.js';

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
        registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId }),
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
      const replacements = await fuseZones(pass.fusion, {
        pool,
        registry,
        timed: (stage, work) => timed(pass, stage, work),
      });
      for (const replaced of replacements) {
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
