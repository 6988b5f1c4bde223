import { z } from 'zod';
import { IRRIGATION_METHODS } from '../entities.js';
import { ComputationStepSchema, prescriptionBase } from './common.js';

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
