import { coversNewest, isNotApplicable, type PrescriptionRule, type RulePlan } from '../rule.js';
import { stationSinceSowing } from '../station-since-sowing.js';
import {
  NITROGEN_RULE,
  nitrogenPrescription,
  stationTemperatures,
  type NitrogenRuleInput,
  type StationTemperatures,
} from './nitrogen-prescription.js';

/** No station, or no complete day yet: every day since sowing counts as a growing day. */
const NO_STATION: StationTemperatures = { deviceIds: [], readingCount: 0, firstMs: null, days: [] };

/**
 * N per zone by OSU's SBNRC, or the crop's N budget where the sensor cannot say, for every field
 * with a reading: growing days come from the station the water balance uses when it has one.
 * Recorded fertiliser is subtracted; a recording recomputes the field (PrescriptionService).
 */
export const nitrogenRule: PrescriptionRule<'nitrogen', 'nitrogen.sbnrc', NitrogenRuleInput> = {
  ...NITROGEN_RULE,
  kind: 'nitrogen',
  task: { name: 'nitrogen.sbnrc', run: nitrogenPrescription },
  async plan(field, context) {
    const [station, applications] = await Promise.all([
      stationSinceSowing(field, context),
      context.data.fertiliserApplications(field.id),
    ]);
    const scene = context.scene;
    return {
      input: {
        field,
        crop: context.crop,
        asOfMs: context.asOfMs,
        utcOffsetMinutes: context.coop.utcOffsetMinutes,
        weather: isNotApplicable(station) ? NO_STATION : stationTemperatures(station.weather),
        applications: applications.map(({ id, date, product, nKgHa }) => ({
          id,
          date,
          product,
          nKgHa,
        })),
        createdAtMs: context.createdAtMs,
        parameterSet: context.parameterSet,
        sceneNote: context.sceneNote,
        ...(scene === undefined
          ? {}
          : {
              scene: {
                sceneId: scene.sceneId,
                acquiredMs: scene.acquiredMs,
                ndviByZone: scene.ndviByZone,
              },
            }),
      },
    } satisfies RulePlan<NitrogenRuleInput>;
  },
  // New readings, a new parameter set, or a new scene (a recorded application: recompute).
  isCurrent: (previous, context) =>
    coversNewest(previous, context) &&
    previous.provenance.sceneId === (context.scene?.sceneId ?? null),
};
