import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  PRESCRIPTION_KINDS,
  type IrrigationPrescription,
  type NitrogenPrescription,
} from '@shamba/schemas';
import { RULES } from '../rules/index.js';
import type { NitrogenRuleInput } from '../rules/nitrogen/nitrogen-prescription.js';
import type { WaterBalanceRuleInput } from '../rules/water-balance/water-balance-prescription.js';
import { TASKS, type TaskInput, type TaskName, type TaskOutput } from './tasks.js';

describe('the worker tasks', () => {
  it("hold every rule's task under its name: a rule needs no line of its own here", () => {
    for (const rule of RULES) expect(TASKS[rule.task.name]).toBe(rule.task.run);
    expect(new Set(RULES.map((r) => r.task.name)).size).toBe(RULES.length);
  });

  it('have a rule for every kind of prescription', () => {
    expect([...new Set(RULES.map((r) => r.kind))].sort()).toEqual([...PRESCRIPTION_KINDS].sort());
  });

  it("keep the rules' task names literal, with their inputs and outputs (checked by tsc)", () => {
    expectTypeOf<'nitrogen.sbnrc'>().toExtend<TaskName>();
    expectTypeOf<'irrigation.water-balance'>().toExtend<TaskName>();
    // Were the names widened to `string`, any name would pass and inputs would be lost.
    expectTypeOf<'nitrogen.unknown'>().not.toExtend<TaskName>();
    expectTypeOf<TaskInput<'nitrogen.sbnrc'>>().toEqualTypeOf<NitrogenRuleInput>();
    expectTypeOf<TaskOutput<'nitrogen.sbnrc'>>().toEqualTypeOf<NitrogenPrescription>();
    expectTypeOf<TaskInput<'irrigation.water-balance'>>().toEqualTypeOf<WaterBalanceRuleInput>();
    expectTypeOf<TaskOutput<'irrigation.water-balance'>>().toEqualTypeOf<IrrigationPrescription>();
  });
});
