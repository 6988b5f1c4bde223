import type { Prescription } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AnyPrescriptionRule, PassEntry } from '../rules/rule.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import { asNewVersion, asSameVersion, newVersionId } from './revision.js';
import type { Timed } from './stage-timings.js';

/** Each rule's entries in one pass: what it made, and its previous prescriptions still current. */
export type PassEntries = Map<AnyPrescriptionRule, PassEntry[]>;

export function addPassEntry(
  entries: PassEntries,
  rule: AnyPrescriptionRule,
  entry: PassEntry,
): void {
  const list = entries.get(rule) ?? [];
  list.push(entry);
  entries.set(rule, list);
}

export interface AfterPassOptions {
  entries: PassEntries;
  /** The pass's new prescriptions: one made again replaces its field's of the same kind. */
  made: Prescription[];
  registry: Registry;
  pool: WorkerPool;
  timed: Timed;
  onError: (error: unknown, rule: AnyPrescriptionRule) => void;
  /** A new version's id (see newVersionId). */
  newId?: (p: Prescription) => string;
}

/**
 * Each rule's second step over the whole pass (the water balance's fusion model), once every
 * field has had its first: what a rule makes again is stored in place of the first (the same
 * version, under its id: a pass makes one version per field and kind). A failure keeps the first
 * step's prescriptions and the other rules' second steps.
 */
export async function runAfterPass(options: AfterPassOptions): Promise<void> {
  const { made, registry, pool, timed } = options;
  const newId = options.newId ?? ((p: Prescription) => newVersionId(p));
  for (const [rule, entries] of options.entries) {
    if (rule.afterPass === undefined) continue;
    try {
      for (const again of await rule.afterPass(entries, { pool, timed })) {
        const same = (p: Prescription) => p.fieldId === again.fieldId && p.kind === again.kind;
        const i = made.findIndex(same);
        const entry = entries.find((e) => same(e.prescription));
        const previous = entry?.context.previous[again.kind];
        // A rule remakes only what this pass made; were it another, it would be a new version.
        const replaced =
          i >= 0
            ? asSameVersion(again, made[i]!, previous)
            : asNewVersion(again, { id: newId(again), previous: entry?.prescription });
        await timed('store', () => registry.prescriptions.add(replaced));
        if (i >= 0) made[i] = replaced;
      }
    } catch (error) {
      options.onError(error, rule);
    }
  }
}
