import type { Prescription } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AnyPrescriptionRule, PassEntry } from '../rules/rule.js';
import type { WorkerPool } from '../worker/worker-pool.js';
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
}

/**
 * Each rule's second step over the whole pass (the water balance's fusion model), once every
 * field has had its first: what a rule makes again is stored in place of the first. A failure
 * keeps the first step's prescriptions and the other rules' second steps.
 */
export async function runAfterPass(options: AfterPassOptions): Promise<void> {
  const { made, registry, pool, timed } = options;
  for (const [rule, entries] of options.entries) {
    if (rule.afterPass === undefined) continue;
    try {
      for (const replaced of await rule.afterPass(entries, { pool, timed })) {
        await timed('store', () => registry.prescriptions.add(replaced));
        const i = made.findIndex((p) => p.fieldId === replaced.fieldId && p.kind === replaced.kind);
        if (i >= 0) made[i] = replaced;
      }
    } catch (error) {
      options.onError(error, rule);
    }
  }
}
