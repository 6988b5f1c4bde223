import { z } from 'zod';
import { ComputationStepSchema, prescriptionBase } from './common.js';

const SplitSchema = z.object({ share: z.number(), nKgHa: z.number(), when: z.string() });
const ProductAmountSchema = z.object({
  product: z.string(),
  name: z.string(),
  kgPerHa: z.number(),
  kgPerPlot: z.number(),
  bagsPerPlot: z.number(),
});

/**
 * A zone's N topdress from a clear scene (OSU SBNRC). `status`: `ok`; `no-response` (as green as
 * the reference: 0); `reference` (the N-rich strip or greenest zone itself: 0); `legume` (0).
 */
export const ZoneNitrogenSchema = z.object({
  status: z.string(),
  nKgHa: z.number(),
  sceneId: z.string(),
  zoneNdvi: z.number(),
  referenceNdvi: z.number(),
  reference: z.enum(['n-rich-strip', 'best-zone']),
  growingDays: z.number(),
  splits: z.array(SplitSchema),
  products: z.array(ProductAmountSchema),
  summary: z.string(),
  steps: z.array(ComputationStepSchema),
});
export type ZoneNitrogen = z.infer<typeof ZoneNitrogenSchema>;

const zoneKey = { zoneId: z.string(), areaHa: z.number() };

/**
 * A zone's N from the crop's N budget, where the sensor gives no rate: `reason` says why (no
 * usable scene, outside the sensing window, cloudy over the zone, one zone and no strip, ...).
 * `legume`: none needed.
 */
export const BudgetNitrogenSchema = z.object({
  ...zoneKey,
  status: z.enum(['n-budget', 'legume']),
  nKgHa: z.number(),
  reason: z.string(),
  splits: z.array(SplitSchema),
  products: z.array(ProductAmountSchema),
  summary: z.string(),
  steps: z.array(ComputationStepSchema),
});
export type BudgetNitrogen = z.infer<typeof BudgetNitrogenSchema>;

/**
 * A zone's N: by the sensor, by the crop's N budget, or (status `no-rate`) why it has neither (a
 * crop with no N budget on record).
 */
export const NitrogenZoneSchema = z.union([
  ZoneNitrogenSchema.extend(zoneKey),
  BudgetNitrogenSchema,
  z.object({ ...zoneKey, status: z.literal('no-rate'), reason: z.string() }),
]);
export type NitrogenZone = z.infer<typeof NitrogenZoneSchema>;

export const NitrogenActionSchema = z.enum(['fertilise', 'none', 'insufficient-data']);

/** The N the field has had this season, as the prescription counted it. */
export const AppliedNitrogenSchema = z.object({
  /** Field.nitrogenKgHa: read as fertiliser N applied before applications were recorded. */
  declaredKgHa: z.number(),
  /**
   * Recorded applications in season up to the prescription's date, oldest first: the newest few
   * only (at most 5) since `applicationCount` is kept; before, all of them.
   */
  applications: z.array(
    z.object({ id: z.number().int(), date: z.string(), product: z.string(), nKgHa: z.number() }),
  ),
  /** How many applications were recorded in season (absent in versions before it was kept). */
  applicationCount: z.number().int().optional(),
  /** Their N, kg N/ha (absent in versions before it was kept). */
  recordedKgHa: z.number().optional(),
  /** Declared and recorded, kg N/ha. */
  totalKgHa: z.number(),
  /** How many were recorded on or after the scene's date (absent before it was kept). */
  sinceSceneCount: z.number().int().optional(),
  /** Recorded on or after the scene's date (the sensor could not see it), kg N/ha. */
  sinceSceneKgHa: z.number(),
});
export type AppliedNitrogen = z.infer<typeof AppliedNitrogenSchema>;

export const NitrogenPrescriptionSchema = z
  .object({
    ...prescriptionBase,
    kind: z.literal('nitrogen'),
    action: NitrogenActionSchema,
    /** The zones' N by area (a zone without a rate counts as 0), kg N/ha. */
    nKgHa: z.number(),
    zones: z.array(NitrogenZoneSchema),
    /** What was applied and counted (absent in prescriptions made before it was recorded). */
    appliedN: AppliedNitrogenSchema.optional(),
  })
  .meta({
    id: 'NitrogenPrescription',
    description: "How much N to give a field's zones, with the inputs and steps that say why.",
  });
export type NitrogenPrescription = z.infer<typeof NitrogenPrescriptionSchema>;
