import type { AnyPrescriptionRule } from './rule.js';
import { nitrogenRule } from './nitrogen/nitrogen-rule.js';
import { soilMoistureRule } from './soil-moisture/soil-moisture-rule.js';
import { waterBalanceRule } from './water-balance/water-balance-rule.js';

/**
 * Every prescription rule, in order: per kind, the first whose plan applies to a field makes its
 * prescription. Adding a rule: its folder (the rule, its task's pure function, their tests) and
 * one line here; the worker's TASKS takes each rule's task from this list.
 */
export const RULES = [
  // Irrigation: the FAO-56 balance where the station has a day of weather, else the probes.
  waterBalanceRule,
  soilMoistureRule,
  // Nitrogen: OSU SBNRC from the latest clear scene.
  nitrogenRule,
] as const satisfies readonly AnyPrescriptionRule[];

/** Each rule's task under its name, as the worker's TASKS holds them (literal names kept). */
export type RuleTasks = {
  [R in (typeof RULES)[number] as R['task']['name']]: R['task']['run'];
};

export const RULE_TASKS = Object.fromEntries(
  RULES.map(({ task }) => [task.name, task.run]),
) as RuleTasks;
