import type { AppliedNitrogen, FertiliserApplication } from '@shamba/schemas';
import { addDays } from '@shamba/agronomy';

/** What the nitrogen rule reads of a recorded application (all that crosses to the worker). */
export type AppliedRecord = Pick<FertiliserApplication, 'id' | 'date' | 'product' | 'nKgHa'>;

/**
 * Basal N applied up to this many days before sowing still feeds the crop (urea or NPS worked
 * in at land preparation, usually within the fortnight before sowing); earlier is last season's.
 */
export const PRE_SOWING_DAYS = 30;

/**
 * A version lists at most this many of the season's applications (the newest): the count and
 * the totals are what the computation uses, and the field's own record lists them all. Five
 * covers a crop's basal dose and its top-dressings.
 */
export const MAX_LISTED_APPLICATIONS = 5;

/**
 * The season's N so far, as the nitrogen rule counts it:
 * - `declaredKgHa`: the field's `nitrogenKgHa`, read as fertiliser N applied before any
 *   application was recorded (the figure the cooperative gave when it registered the field);
 * - recorded applications from PRE_SOWING_DAYS before sowing up to the prescription's local date
 *   (one dated later has not happened yet);
 * - of those, what was applied on or after the scene's date: the scene could not see it yet.
 * Listed: the count and total of each window, and the newest MAX_LISTED_APPLICATIONS entries.
 */
export function appliedNitrogen(input: {
  declaredKgHa: number | undefined;
  applications: readonly AppliedRecord[];
  plantingDate: string;
  /** The prescription's local date. */
  today: string;
  /** The scene's local date, when a scene is used. */
  sensedDate?: string | undefined;
}): AppliedNitrogen {
  const from = addDays(input.plantingDate, -PRE_SOWING_DAYS);
  const inSeason = input.applications
    .filter((a) => a.date >= from && a.date <= input.today)
    .sort((a, b) => a.date.localeCompare(b.date) || a.id - b.id);
  const sum = (list: readonly AppliedRecord[]) => round1(list.reduce((s, a) => s + a.nKgHa, 0));
  const declaredKgHa = input.declaredKgHa ?? 0;
  const sensed = input.sensedDate;
  const sinceScene = sensed === undefined ? [] : inSeason.filter((a) => a.date >= sensed);
  return {
    declaredKgHa,
    // Counts and totals per window, and only the newest few entries: a version stays small
    // however many applications the field has.
    applicationCount: inSeason.length,
    recordedKgHa: sum(inSeason),
    applications: inSeason
      .slice(-MAX_LISTED_APPLICATIONS)
      .map(({ id, date, product, nKgHa }) => ({ id, date, product, nKgHa })),
    totalKgHa: round1(declaredKgHa + sum(inSeason)),
    sinceSceneCount: sinceScene.length,
    sinceSceneKgHa: sum(sinceScene),
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
