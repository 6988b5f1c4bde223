import type { Logger } from 'pino';
import pMap from 'p-map';
import type { Field, Prescription, PrescriptionKind } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { RULES } from '../rules/index.js';
import {
  isNotApplicable,
  runRule,
  stillCurrent,
  type AnyPrescriptionRule,
  type RuleContext,
} from '../rules/rule.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import { addPassEntry, runAfterPass, type PassEntries } from './after-pass.js';
import { fieldContext } from './field-context.js';
import { createFieldData } from './field-data.js';
import { asNewVersion, newVersionId } from './revision.js';
import { createStageTimings, zeroStages, type Stage } from './stage-timings.js';

export type { Stage } from './stage-timings.js';

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
  /** The rules to run, in order (default: RULES). */
  rules?: readonly AnyPrescriptionRule[];
  /** The unique part of a new version's id (default: a random UUID; injected for tests). */
  uniqueId?: () => string;
}

export interface PrescriptionService extends AsyncDisposable {
  /** Recomputes every field's prescriptions whose inputs changed; those made, by field and kind. */
  runOnce(): Promise<Prescription[]>;
  /**
   * Makes the field's prescriptions again whatever `isCurrent` says (zones applied, fertiliser
   * recorded, ...), in a pass that starts after any running one; those made. `reason` is kept in
   * each new version's `revision.reasons`.
   */
  recompute(fieldId: string, reason: string): Promise<Prescription[]>;
  /**
   * Marks the field to be made again (as `recompute`) and returns at once: a pass runs in the
   * background after any running one, its failure logged. Marks made before it starts share it,
   * so a burst of requests costs one pass, not one each.
   */
  markStale(fieldId: string, reason: string): void;
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

export const DEFAULT_WINDOW_MS = 6 * 3_600_000;

/** One field and kind in a pass, and why it was asked for again (PrescriptionService.recompute). */
interface KindPass {
  field: Field;
  kind: PrescriptionKind;
  context: RuleContext;
  requested: readonly string[] | undefined;
}

/**
 * Keeps every field's prescriptions current: for each field and each kind, the first rule in
 * RULES whose plan applies (unless the prescription its rule made last still holds) runs its task
 * in the analytics workers, and the result is stored as a new version (see revision.ts); then
 * each rule's second step, if it has one, in place of the version it remade.
 */
export function createPrescriptionService(
  options: PrescriptionServiceOptions,
): PrescriptionService {
  const { registry, store, pool, logger } = options;
  const clock = options.clock ?? Date.now;
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  const rules = options.rules ?? RULES;
  const newId = (p: Prescription) => newVersionId(p, options.uniqueId);
  const kinds = [...new Set(rules.map((r) => r.kind))];
  const state = {
    runs: 0,
    lastRunMs: null as number | null,
    lastError: null as string | null,
    lastStagesMs: zeroStages(),
  };
  /** Fields to make again whatever their rules' `isCurrent` says, with why. */
  const stale = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Prescription[]> | undefined;
  const failed = (error: unknown, context: object, message: string) => {
    state.lastError = error instanceof Error ? error.message : String(error);
    logger.error({ err: error, ...context }, message);
  };

  /**
   * One kind for one field: the previous prescription kept, or the first applicable rule's as a
   * new version (its own id; why it was made and what changed in its revision).
   */
  async function prescribeKind({ field, kind, context, requested }: KindPass) {
    const previous = context.previous[kind];
    const maker = rules.find((r) => r.kind === kind && r.name === previous?.provenance.rule.name);
    const keep =
      previous !== undefined &&
      maker !== undefined &&
      requested === undefined &&
      stillCurrent(maker, previous, context);
    if (keep)
      return { rule: maker, entry: { field, context, prescription: previous }, made: false };
    for (const rule of rules.filter((r) => r.kind === kind)) {
      const plan = await rule.plan(field, context);
      if (isNotApplicable(plan)) continue;
      const computed = await context.timed('compute', () => runRule(pool, rule, plan));
      const prescription = asNewVersion(computed, {
        id: newId(computed),
        previous,
        ...(requested === undefined ? {} : { requested }),
      });
      await context.timed('store', () => registry.prescriptions.add(prescription));
      logger.debug(
        { fieldId: field.id, kind, rule: rule.name, action: prescription.action },
        'prescription',
      );
      return { rule, entry: { field, context, prescription, plan }, made: true };
    }
    return undefined;
  }

  async function runOnce(): Promise<Prescription[]> {
    const { stagesMs, timed } = createStageTimings();
    const data = createFieldData({ registry, store, clock, timed });
    const made: Prescription[] = [];
    const entries: PassEntries = new Map();
    // As many fields in flight as the pool has workers (plus one querying), in field order.
    await pMap(
      await registry.fields.list(),
      async (field) => {
        // A mark made while this field is in flight is kept for the next pass.
        const staleBecause = stale.get(field.id);
        try {
          const deps = { registry, store, data, timed, windowMs, createdAtMs: clock() };
          const context = await fieldContext(field, deps);
          if (context === undefined) return; // no reading yet: nothing to make again either
          for (const kind of kinds) {
            const outcome = await prescribeKind({ field, kind, context, requested: staleBecause });
            if (outcome === undefined) continue;
            if (outcome.made) made.push(outcome.entry.prescription);
            addPassEntry(entries, outcome.rule, outcome.entry);
          }
        } catch (error) {
          // One field's failure must not stop the others.
          failed(error, { fieldId: field.id }, 'prescription failed');
        } finally {
          // Cleared however the field ended (no readings, a failure): else its reasons pile up.
          if (staleBecause !== undefined && stale.get(field.id) === staleBecause)
            stale.delete(field.id);
        }
      },
      { concurrency: Math.max(1, pool.status().size) + 1 },
    );
    const onError = (error: unknown, rule: AnyPrescriptionRule) =>
      failed(error, { rule: rule.name }, 'second step failed');
    await runAfterPass({ entries, made, registry, pool, timed, onError, newId });
    state.runs++;
    state.lastRunMs = clock();
    state.lastStagesMs = stagesMs;
    return made.sort((a, b) => a.fieldId.localeCompare(b.fieldId) || a.kind.localeCompare(b.kind));
  }

  const pass = () => {
    // Never two passes at once: a slow pass is joined, not doubled.
    running ??= runOnce().finally(() => (running = undefined));
    return running;
  };
  /**
   * A new array each time, even when the reason is already there: a pass clears only the mark
   * it read, so a mark made while the field is in flight is kept for the next pass.
   */
  const mark = (fieldId: string, reason: string) =>
    stale.set(fieldId, [...new Set([...(stale.get(fieldId) ?? []), reason])]);
  /**
   * The next pass, for marked fields: it starts after the running one, and every mark made
   * before it starts shares it (a burst of requests costs one pass, not one each).
   */
  let queued: Promise<Prescription[]> | undefined;
  const queuedPass = (): Promise<Prescription[]> => {
    queued ??= (async () => {
      await Promise.resolve(); // after this tick's marks
      while (running !== undefined) await running.catch(() => undefined);
      queued = undefined; // this one: no other is made while it waits
      return pass();
    })();
    return queued;
  };
  const close = async () => {
    clearInterval(timer);
    timer = undefined;
    await queued?.catch(() => undefined);
    await running;
  };
  return {
    runOnce: pass,
    async recompute(fieldId, reason) {
      mark(fieldId, reason);
      return (await queuedPass()).filter((p) => p.fieldId === fieldId);
    },
    markStale(fieldId, reason) {
      mark(fieldId, reason);
      if (queued !== undefined) return; // the waiting pass will take this mark
      queuedPass().catch((error: unknown) =>
        failed(error, { fieldId }, 'background recompute failed'),
      );
    },
    start() {
      timer ??= setInterval(() => {
        // A pass that fails as a whole (the registry unreachable) is logged; the next one tries again.
        pass().catch((error: unknown) => failed(error, {}, 'prescription pass failed'));
      }, options.intervalMs ?? 5000);
    },
    status: () => ({ ...state }),
    close,
    [Symbol.asyncDispose]: close,
  };
}
