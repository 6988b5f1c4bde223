import { round, type ComputationStep } from '@shamba/schemas';

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
  const step = <T extends number | null>(
    name: string,
    formula: string,
    value: T,
    unit: string,
    source: string,
  ): T => {
    const recorded = digitsFor === undefined ? value : round(value, digitsFor(unit));
    steps.push({ name, formula, value: recorded, unit, source });
    return carry === 'recorded' ? recorded : value;
  };
  return { steps, step };
}
