import type { NitrogenZone } from '@shamba/schemas';
import {
  applySummary,
  nDose,
  type fieldZones,
  type NBudget,
  type ZoneSensorRate,
} from '@shamba/agronomy';

type ZoneSpec = ReturnType<typeof fieldZones>[number];

/** A zone's N by the sensor where it gives one, else by the crop's N budget with the reason. */
export function nitrogenZone(
  spec: ZoneSpec,
  sensed: ZoneSensorRate | undefined,
  budget: NBudget,
): NitrogenZone {
  if (sensed !== undefined && 'rate' in sensed)
    return { zoneId: spec.id, areaHa: spec.areaHa, ...sensed.rate };
  const reason = sensed?.noSensorRate ?? 'no sensor rate';
  return budgetZone(spec, reason, budget);
}

/**
 * The crop's N budget over a zone the sensor cannot rate, saying why; a legume needs none; a
 * crop without a budget has no rate, and the zone says both reasons.
 */
export function budgetZone(spec: ZoneSpec, reason: string, budget: NBudget): NitrogenZone {
  const key = { zoneId: spec.id, areaHa: spec.areaHa };
  if (budget.status === 'unsupported-crop' || budget.remainingKgHa === null)
    return { ...key, status: 'no-rate', reason: `${reason}; ${budget.summary}` };
  if (budget.status === 'legume')
    return {
      ...key,
      status: 'legume',
      nKgHa: 0,
      reason,
      splits: [],
      products: [],
      summary: budget.summary,
      steps: [],
    };
  const n = budget.remainingKgHa;
  const dose = nDose({ nKgHa: n, areaHa: spec.areaHa });
  return {
    ...key,
    status: 'n-budget',
    nKgHa: n,
    reason,
    ...dose,
    summary: `${n === 0 ? budget.summary : applySummary(n, dose)} By the crop's N budget: ${reason}.`,
    steps: budget.steps,
  };
}

/** Whether a zone carries a rate (0 included), as opposed to `no-rate`. */
export const isRated = (zone: NitrogenZone): zone is Exclude<NitrogenZone, { status: 'no-rate' }> =>
  zone.status !== 'no-rate';
