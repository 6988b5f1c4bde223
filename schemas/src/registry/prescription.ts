import { z } from 'zod';
import { IRRIGATION_METHODS } from './entities.js';

/** One step of a computation, kept so an agronomist can see why a prescription says what it says. */
export const ComputationStepSchema = z.object({
  name: z.string(),
  formula: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  source: z.string(),
});
export type ComputationStep = z.infer<typeof ComputationStepSchema>;

export const IrrigationActionSchema = z.enum(['irrigate', 'none', 'insufficient-data']);

export const PrescriptionSchema = z.object({
  id: z.string(),
  kind: z.literal('irrigation'),
  fieldId: z.string(),
  coopId: z.string(),
  createdAtMs: z.number().int(),
  /** Device time of the newest reading used: the prescription describes the field as of then. */
  asOfMs: z.number().int(),
  action: IrrigationActionSchema,
  netDepthMm: z.number(),
  grossDepthMm: z.number(),
  volumeM3: z.number(),
  method: z.enum(IRRIGATION_METHODS),
  summary: z.string(),
  rule: z.object({ name: z.string(), version: z.string() }),
  parameters: z.record(z.string(), z.union([z.number(), z.string()])),
  inputs: z.object({
    fromMs: z.number().int(),
    toMs: z.number().int(),
    readingCount: z.number().int(),
    deviceIds: z.array(z.string()),
  }),
  steps: z.array(ComputationStepSchema),
});
export type Prescription = z.infer<typeof PrescriptionSchema>;
