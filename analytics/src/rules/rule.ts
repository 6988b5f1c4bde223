import type {
  Field,
  Prescription,
  PrescriptionKind,
  PrescriptionOf,
  Provenance,
  StoredReading,
  WeatherForecast,
} from '@shamba/schemas';
import type { LatestByKind, TimeSeriesStore } from '@shamba/storage';
import type { CropParameters } from '@shamba/agronomy';
import type { ClearScene } from '../prescriptions/clear-scene.js';
import type { CoopContext, FieldData } from '../prescriptions/field-data.js';
import type { Timed } from '../prescriptions/stage-timings.js';
import type { TaskName } from '../worker/tasks.js';
import type { WorkerPool } from '../worker/worker-pool.js';

export type { Stage, Timed } from '../prescriptions/stage-timings.js';

/**
 * What a rule may know about a field in one pass, gathered once for all its rules: the
 * cooperative (time zone, stations, parameter set, forecast), the newest readings, the latest
 * clear scene, the crop, and the stores to read more from.
 */
export interface RuleContext {
  coop: CoopContext;
  /** The weather stations the field uses (see FieldData.stationsFor); may be empty. */
  stations: string[];
  data: FieldData;
  store: TimeSeriesStore;
  newestSoil: StoredReading | undefined;
  newestWeather: StoredReading | undefined;
  /** Device time of the newest reading of the field (soil) or its station (weather). */
  asOfMs: number;
  /** The field's newest prescription of each kind. */
  previous: LatestByKind;
  scene: ClearScene | undefined;
  /** Why `scene` (or no scene) was chosen for this field: for the prescription's provenance. */
  sceneNote: string;
  crop: CropParameters;
  /** The parameter set's label: `built-in` or `coop@version`. */
  parameterSet: string;
  forecast: WeatherForecast | undefined;
  createdAtMs: number;
  /** Readings older than this before the newest are not used by the sensor-only rule. */
  windowMs: number;
  timed: Timed;
}

/** A rule's inputs, ready for its worker task. */
export interface RulePlan<I = unknown> {
  input: I;
}

/**
 * The worker task a rule runs: its name in the worker's TASKS (worker/tasks.ts lists every rule's
 * task under its name) and the pure function behind it, so the same plan gives the same
 * prescription in a worker thread or in the main thread (pool size 0). `this: void`: the worker
 * calls it detached from the rule.
 */
export interface RuleTask<K extends PrescriptionKind, N extends string, I> {
  name: N;
  run(this: void, input: I): PrescriptionOf<K>;
}

/** The rule cannot run for this field now, and why (e.g. no complete day of weather yet). */
export interface NotApplicable {
  notApplicable: string;
}

/** A prescription made (or kept) in a pass, as a rule's `afterPass` sees it. */
export interface PassEntry {
  field: Field;
  context: RuleContext;
  prescription: Prescription;
  /** The plan it was made from; absent when the previous prescription was still current. */
  plan?: RulePlan;
}

export interface AfterPassDeps {
  pool: WorkerPool;
  timed: Timed;
}

/**
 * One way of making a kind of prescription (`K`), by the worker task named `N` from a plan's
 * input `I`. Per kind, the first rule in RULES whose `plan` applies makes the field's
 * prescription; `isCurrent` says whether the one it made last still holds, so the pass can skip
 * the field. Methods (not arrow properties): a rule of one kind and input is a rule of any to the
 * list that holds it.
 */
export interface PrescriptionRule<
  K extends PrescriptionKind = PrescriptionKind,
  N extends string = string,
  I = unknown,
> {
  name: string;
  version: string;
  kind: K;
  /** The worker task that computes the prescription from the plan's input. */
  task: RuleTask<K, N, I>;
  plan(field: Field, context: RuleContext): Promise<RulePlan<I> | NotApplicable>;
  isCurrent(previous: PrescriptionOf<K>, context: RuleContext): boolean;
  /**
   * A second step over the whole pass (e.g. the fusion model across a cooperative's zones):
   * the prescriptions it made again, to be stored in place of the first ones (the same version:
   * the service gives each the id and revision of the first, whatever id the rule set).
   */
  afterPass?(entries: readonly PassEntry[], deps: AfterPassDeps): Promise<Prescription[]>;
}

/** Any kind's rule, as RULES holds them (a union: each rule's `isCurrent` takes its own kind). */
export type AnyPrescriptionRule = {
  [K in PrescriptionKind]: PrescriptionRule<K>;
}[PrescriptionKind];

export const isNotApplicable = <T extends object>(plan: T | NotApplicable): plan is NotApplicable =>
  'notApplicable' in plan;

/** Whether `previous` (of any kind) still holds by `rule` (of its kind, that made it). */
export function stillCurrent(
  rule: AnyPrescriptionRule,
  previous: Prescription,
  context: RuleContext,
): boolean {
  if (previous.kind !== rule.kind || previous.provenance.rule.name !== rule.name) return false;
  return (rule as PrescriptionRule).isCurrent(previous, context);
}

/** The provenance a rule records: itself, and the parameter set, scene and forecast it read. */
export function provenanceOf(
  rule: { name: string; version: string },
  used: {
    parameterSet?: string | undefined;
    sceneId?: string | undefined;
    sceneNote?: string | undefined;
    forecastIssuedAt?: string | undefined;
  },
): Provenance {
  return {
    rule: { name: rule.name, version: rule.version },
    parameterSet: used.parameterSet ?? 'built-in',
    sceneId: used.sceneId ?? null,
    ...(used.sceneNote === undefined ? {} : { sceneNote: used.sceneNote }),
    forecastIssuedAt: used.forecastIssuedAt ?? null,
  };
}

/**
 * Whether `previous` describes the field's newest readings under today's parameter set. The
 * newest of the field's soil readings and its station's weather: a rule that reads only one of
 * them compares with that reading's time instead, or it is made again whenever the other moves.
 */
export function coversNewest(previous: Prescription, context: RuleContext): boolean {
  return (
    previous.asOfMs >= context.asOfMs && previous.provenance.parameterSet === context.parameterSet
  );
}

/** Runs a rule's task in the pool with its plan's input (typed together in the rule). */
export async function runRule(
  pool: WorkerPool,
  rule: AnyPrescriptionRule,
  plan: RulePlan,
): Promise<Prescription> {
  // TASKS holds each rule's task under its name; a rule of any kind names it only as a string.
  return (await pool.run(rule.task.name as TaskName, plan.input as never)) as Prescription;
}
