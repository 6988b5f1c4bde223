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
  /** The cooperative's weather forecast issue used (ISO), or null without one. */
  forecastIssuedAt: z.string().nullable(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** What every kind of prescription has. */
const prescriptionBase = {
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

export const IrrigationActionSchema = z.enum(['irrigate', 'none', 'insufficient-data']);

/** Where a zone's root-zone depletion came from on the day of the prescription. */
export const DEPLETION_SOURCES = [
  'sensor',
  'water-balance',
  'fusion-model',
  'sibling-zones',
] as const;
export type DepletionSource = (typeof DEPLETION_SOURCES)[number];

/** What one management zone should get (FAO-56 water balance rule). */
export const ZonePrescriptionSchema = z.object({
  zoneId: z.string(),
  areaHa: z.number(),
  action: IrrigationActionSchema,
  reason: z.string(),
  netDepthMm: z.number(),
  grossDepthMm: z.number(),
  volumeM3: z.number(),
  litres: z.number(),
  pumpMinutes: z.number().nullable(),
  /** ISO date by which to irrigate (when Dr reaches RAW), or null beyond the forecast. */
  irrigateBy: z.string().nullable(),
  drMm: z.number().nullable(),
  rawMm: z.number().nullable(),
  tawMm: z.number().nullable(),
  drSource: z.enum(DEPLETION_SOURCES).nullable(),
  /** One standard deviation of Dr where a model estimated it (fusion), mm. */
  drSdMm: z.number().nullable().optional(),
  summary: z.string(),
  steps: z.array(ComputationStepSchema),
});
export type ZonePrescription = z.infer<typeof ZonePrescriptionSchema>;

export const IrrigationPrescriptionSchema = z.object({
  ...prescriptionBase,
  kind: z.literal('irrigation'),
  action: IrrigationActionSchema,
  netDepthMm: z.number(),
  grossDepthMm: z.number(),
  volumeM3: z.number(),
  method: z.enum(IRRIGATION_METHODS),
  /** Per management zone (FAO-56 water balance rule); absent for the sensor-only rule. */
  zones: z.array(ZonePrescriptionSchema).optional(),
});
export type IrrigationPrescription = z.infer<typeof IrrigationPrescriptionSchema>;

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

export const PrescriptionSchema = z.discriminatedUnion('kind', [
  IrrigationPrescriptionSchema,
  NitrogenPrescriptionSchema,
]);
export type Prescription = z.infer<typeof PrescriptionSchema>;
export type PrescriptionOf<K extends PrescriptionKind> = Extract<Prescription, { kind: K }>;
