import { round, type ComputationStep } from '@shamba/schemas';

/** One step as the computation records it: a `ComputationStep` whose value keeps its type. */
export type StepEntry<T extends number | null> = Omit<ComputationStep, 'value'> & { value: T };

/**
 * The steps of a computation, kept so an agronomist can see why a prescription says what it
 * says. `digitsFor` rounds each value by its unit as it is recorded. `carry` says what `step`
 * returns for the computation to go on with: the recorded value (the default, so that later
 * numbers follow from the ones the explanation shows) or the exact one.
 */
export function createStepLog(
  options: { digitsFor?: (unit: string) => number; carry?: 'recorded' | 'exact' } = {},
) {
  const { digitsFor, carry = 'recorded' } = options;
  const steps: ComputationStep[] = [];
  const step = <T extends number | null>(entry: StepEntry<T>): T => {
    const { name, formula, value, unit, source } = entry;
    const recorded = digitsFor === undefined ? value : round(value, digitsFor(unit));
    steps.push({ name, formula, value: recorded, unit, source });
    return carry === 'recorded' ? recorded : value;
  };
  return { steps, step };
}

/** A step log's `step`, for the functions a computation is split into. */
export type RecordStep = ReturnType<typeof createStepLog>['step'];
