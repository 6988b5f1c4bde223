import { z } from 'zod';
import { ComputationStepSchema, prescriptionBase } from './common.js';

/** A zone's N topdress from a clear scene (OSU SBNRC). */
export const ZoneNitrogenSchema = z.object({
  status: z.string(),
  nKgHa: z.number(),
  sceneId: z.string(),
  zoneNdvi: z.number(),
  referenceNdvi: z.number(),
  reference: z.enum(['n-rich-strip', 'best-zone']),
  growingDays: z.number(),
  splits: z.array(z.object({ share: z.number(), nKgHa: z.number(), when: z.string() })),
  products: z.array(
    z.object({
      product: z.string(),
      name: z.string(),
      kgPerHa: z.number(),
      kgPerPlot: z.number(),
      bagsPerPlot: z.number(),
    }),
  ),
  summary: z.string(),
  steps: z.array(ComputationStepSchema),
});
export type ZoneNitrogen = z.infer<typeof ZoneNitrogenSchema>;

const zoneKey = { zoneId: z.string(), areaHa: z.number() };
/** A zone's N: its rate, or (status `no-rate`) why it has none (cloudy, the N-rich strip, ...). */
export const NitrogenZoneSchema = z.union([
  ZoneNitrogenSchema.extend(zoneKey),
  z.object({ ...zoneKey, status: z.literal('no-rate'), reason: z.string() }),
]);
export type NitrogenZone = z.infer<typeof NitrogenZoneSchema>;

export const NitrogenActionSchema = z.enum(['fertilise', 'none', 'insufficient-data']);

export const NitrogenPrescriptionSchema = z.object({
  ...prescriptionBase,
  kind: z.literal('nitrogen'),
  action: NitrogenActionSchema,
  /** The zones' N by area (a zone without a rate counts as 0), kg N/ha. */
  nKgHa: z.number(),
  zones: z.array(NitrogenZoneSchema),
});
export type NitrogenPrescription = z.infer<typeof NitrogenPrescriptionSchema>;
