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
  /** N topdress for the zone from the latest clear scene (OSU SBNRC), or null without one. */
  nitrogen: z
    .object({
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
    })
    .nullable()
    .optional(),
});
export type ZonePrescription = z.infer<typeof ZonePrescriptionSchema>;

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
  /** Per management zone (FAO-56 water balance rule); absent for the sensor-only rule. */
  zones: z.array(ZonePrescriptionSchema).optional(),
});
export type Prescription = z.infer<typeof PrescriptionSchema>;
