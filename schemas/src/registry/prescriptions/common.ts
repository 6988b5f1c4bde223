import { z } from 'zod';

/** One step of a computation, kept so an agronomist can see why a prescription says what it says. */
export const ComputationStepSchema = z.object({
  name: z.string(),
  formula: z.string(),
  value: z.number().nullable(),
  unit: z.string(),
  source: z.string(),
  /**
   * The measured values the step used, by name with its unit (`tMaxC`, `rhMinPct`, `vwc30`,
   * `depthM`...): a station's day behind ET0, a probe's readings behind Dr. Null: not measured.
   */
  inputs: z.record(z.string(), z.union([z.number(), z.string()]).nullable()).optional(),
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

/** One thing that changed from the previous version of the same kind (action, an amount). */
export const PrescriptionChangeSchema = z.object({
  /** The field of the prescription, e.g. `action`, `grossDepthMm`, `nKgHa`. */
  what: z.string(),
  from: z.union([z.number(), z.string()]).nullable(),
  to: z.union([z.number(), z.string()]).nullable(),
});
export type PrescriptionChange = z.infer<typeof PrescriptionChangeSchema>;

/**
 * Where a prescription stands among its field's prescriptions of the same kind: each recompute
 * is a new version (its own id) that says why it was made again and what it changed.
 */
export const PrescriptionRevisionSchema = z.object({
  /** 1 for the field's first of the kind, then 2, 3, ... */
  number: z.number().int().positive(),
  /** The version it follows, or null for the first. */
  previousId: z.string().nullable(),
  /** Why it was made again: new readings, a new parameter set or scene, a recompute's reason... */
  reasons: z.array(z.string()),
  /** What differs from the previous version (empty: the same advice, restated). */
  changes: z.array(PrescriptionChangeSchema),
});
export type PrescriptionRevision = z.infer<typeof PrescriptionRevisionSchema>;

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
  /** Absent on prescriptions stored before versions had revisions. */
  revision: PrescriptionRevisionSchema.optional(),
};
