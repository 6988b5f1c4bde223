import { coversNewest, isNotApplicable, type PrescriptionRule, type RulePlan } from '../rule.js';
import { stationSinceSowing } from '../station-since-sowing.js';
import {
  NITROGEN_RULE,
  nitrogenPrescription,
  stationTemperatures,
  type NitrogenRuleInput,
} from './nitrogen-prescription.js';

/**
 * N topdress per zone by OSU's SBNRC, for the fields the water balance runs on (growing days
 * come from the same station summary); without a recent clear scene it says why there is no rate.
 */
export const nitrogenRule: PrescriptionRule<'nitrogen', 'nitrogen.sbnrc', NitrogenRuleInput> = {
  ...NITROGEN_RULE,
  kind: 'nitrogen',
  task: { name: 'nitrogen.sbnrc', run: nitrogenPrescription },
  async plan(field, context) {
    const station = await stationSinceSowing(field, context);
    if (isNotApplicable(station)) return station;
    const scene = context.scene;
    return {
      input: {
        field,
        crop: context.crop,
        asOfMs: context.asOfMs,
        utcOffsetMinutes: context.coop.utcOffsetMinutes,
        weather: stationTemperatures(station.weather),
        createdAtMs: context.createdAtMs,
        parameterSet: context.parameterSet,
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
  // New readings, a new parameter set, or a new scene.
  isCurrent: (previous, context) =>
    coversNewest(previous, context) &&
    previous.provenance.sceneId === (context.scene?.sceneId ?? null),
};
