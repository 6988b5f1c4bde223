import { z } from 'zod';

/** One step of a computation, kept so an agronomist can see why a prescription says what it says. */
export const ComputationStepSchema = z.object({
  name: z.string(),
  formula: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  source: z.string(),
});
export type ComputationStep = z.infer<typeof ComputationStepSchema>;

/** What a prescription is about; each kind has its own shape (and room for the kinds to come). */
export const PRESCRIPTION_KINDS = ['irrigation', 'nitrogen'] as const;
export const PrescriptionKindSchema = z.enum(PRESCRIPTION_KINDS);
export type PrescriptionKind = (typeof PRESCRIPTION_KINDS)[number];

/**
 * What a prescription rests on, typed: which rule made it, with which cooperative parameters, from
 * which scene and which forecast issue. A rule's `isCurrent` compares these with today's.
 */
export const ProvenanceSchema = z.object({
  rule: z.object({ name: z.string(), version: z.string() }),
  /** `built-in`, or the cooperative's published set as `coop@version`. */
  parameterSet: z.string(),
  /** The scene the prescription read (NDVI for Kc or N), or null without one. */
  sceneId: z.string().nullable(),
  /** Why that scene (or none): which scenes were passed over for this field, and for what. */
  sceneNote: z.string().nullable().optional(),
  /** The cooperative's weather forecast issue used (ISO), or null without one. */
  forecastIssuedAt: z.string().nullable(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** What every kind of prescription has. */
export const prescriptionBase = {
  id: z.string(),
  fieldId: z.string(),
  coopId: z.string(),
  createdAtMs: z.number().int(),
  /** Device time of the newest reading used: the prescription describes the field as of then. */
  asOfMs: z.number().int(),
  summary: z.string(),
  /** The agronomic values used, for the explanation (crop, Kc source, efficiency, ...). */
  parameters: z.record(z.string(), z.union([z.number(), z.string()])),
  provenance: ProvenanceSchema,
  inputs: z.object({
    fromMs: z.number().int(),
    toMs: z.number().int(),
    readingCount: z.number().int(),
    deviceIds: z.array(z.string()),
  }),
  steps: z.array(ComputationStepSchema),
};
