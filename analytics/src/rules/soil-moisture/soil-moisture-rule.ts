import { coversNewest, type PrescriptionRule, type RulePlan } from '../rule.js';
import {
  SOIL_MOISTURE_RULE,
  soilMoisturePrescription,
  type SoilMoistureRuleInput,
} from './soil-moisture-prescription.js';

/** Irrigation from the probes alone: for a field without a station's complete day of weather. */
export const soilMoistureRule: PrescriptionRule<
  'irrigation',
  'irrigation.soil-moisture',
  SoilMoistureRuleInput
> = {
  ...SOIL_MOISTURE_RULE,
  kind: 'irrigation',
  task: { name: 'irrigation.soil-moisture', run: soilMoisturePrescription },
  async plan(field, context) {
    const soil = context.newestSoil;
    if (soil === undefined) return { notApplicable: 'no soil-moisture reading from the field' };
    const fromMs = soil.timeMs - context.windowMs;
    const toMs = soil.timeMs + 1;
    const readings = await context.timed('query', () =>
      context.store.query({ fieldId: field.id, stream: 'soil', fromMs, toMs }),
    );
    return {
      input: {
        field,
        readings,
        fromMs,
        toMs,
        createdAtMs: context.createdAtMs,
        utcOffsetMinutes: context.coop.utcOffsetMinutes,
        crop: context.crop,
        parameterSet: context.parameterSet,
      },
    } satisfies RulePlan<SoilMoistureRuleInput>;
  },
  isCurrent: (previous, context) => coversNewest(previous, context),
};
