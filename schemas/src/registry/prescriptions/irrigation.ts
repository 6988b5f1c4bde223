import { z } from 'zod';
import { IRRIGATION_METHODS, WaterSupplySchema } from '../entities.js';
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

/**
 * The units a farmer applies water in, by the supply: minutes of pumping (or of running a drip or
 * sprinkler system), hours of a canal turn, 20-litre cans carried by hand.
 */
export const SUPPLY_UNITS = ['pump-minutes', 'system-minutes', 'canal-hours', 'cans-20l'] as const;
export const SupplyAmountSchema = z.object({ amount: z.number(), unit: z.enum(SUPPLY_UNITS) });
export type SupplyAmount = z.infer<typeof SupplyAmountSchema>;

/**
 * How soon a zone needs water: `today` once Dr has passed RAW (the crop is already stressed,
 * FAO-56 eq. 84), `by-date` when the forecast brings Dr to RAW within the horizon, `wait-for-rain`
 * when forecast rain does it for the farmer, `none` otherwise.
 */
export const IRRIGATION_URGENCIES = ['today', 'by-date', 'wait-for-rain', 'none'] as const;
export const IrrigationUrgencySchema = z.enum(IRRIGATION_URGENCIES);
export type IrrigationUrgency = z.infer<typeof IrrigationUrgencySchema>;

/** One day's share of the best feasible plan: what to give which zone. */
export const PlannedApplicationSchema = z.object({
  dateIso: z.string(),
  zoneId: z.string(),
  volumeM3: z.number(),
  /** The zone's area this volume refills to field capacity at the prescribed gross depth, m2. */
  areaM2: z.number(),
  units: SupplyAmountSchema.nullable(),
});
export type PlannedApplication = z.infer<typeof PlannedApplicationSchema>;

/**
 * Whether the prescribed water can be applied before the crop suffers, at the supply's capacity;
 * when it cannot, the best feasible plan (most urgent zone first, capacity-limited each day) and
 * the deficit it leaves.
 */
export const IrrigationFeasibilitySchema = z.object({
  supply: WaterSupplySchema,
  /** `registry` (the field's own), or how it was derived (`pump flow`, `hand-watering default`). */
  supplySource: z.string(),
  capacityM3PerDay: z.number(),
  capacityPerDay: SupplyAmountSchema,
  requiredM3: z.number(),
  required: SupplyAmountSchema,
  /** Days before the most urgent zone suffers (1: today only). */
  daysAvailable: z.number(),
  /** Days the supply needs for the whole volume. */
  daysNeeded: z.number(),
  feasible: z.boolean(),
  /** Day by day, within the forecast horizon, until the volume is applied. */
  plan: z.array(PlannedApplicationSchema),
  /** What is still missing once the time available has passed, m3. */
  deficitLeftM3: z.number(),
  deficitLeft: SupplyAmountSchema,
  summary: z.string(),
  steps: z.array(ComputationStepSchema),
});
export type IrrigationFeasibility = z.infer<typeof IrrigationFeasibilitySchema>;

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
  /** How soon (absent on prescriptions made before 1.1.0). */
  urgency: IrrigationUrgencySchema.optional(),
  /** Days before Dr reaches RAW under the forecast: 0 when already past, null beyond the horizon. */
  daysBeforeStress: z.number().nullable().optional(),
  /**
   * Yield lost for each day the irrigation is late, % of the attainable yield: FAO-56 eq. 84 (Ks
   * = ETa/ETc) and FAO-33 (1 - Ya/Ym = Ky (1 - ETa/ETc)); null when the zone is not stressed.
   */
  expectedLossPctPerDayLate: z.number().nullable().optional(),
  /** The gross volume in the supply's units (pump minutes, canal hours, cans). */
  units: SupplyAmountSchema.nullable().optional(),
  summary: z.string(),
  steps: z.array(ComputationStepSchema),
});
export type ZonePrescription = z.infer<typeof ZonePrescriptionSchema>;

export const IrrigationPrescriptionSchema = z
  .object({
    ...prescriptionBase,
    kind: z.literal('irrigation'),
    action: IrrigationActionSchema,
    netDepthMm: z.number(),
    grossDepthMm: z.number(),
    volumeM3: z.number(),
    method: z.enum(IRRIGATION_METHODS),
    /** Per management zone (FAO-56 water balance rule); absent for the sensor-only rule. */
    zones: z.array(ZonePrescriptionSchema).optional(),
    /** Whether the supply can deliver the volume in time, and the best plan if it cannot. */
    feasibility: IrrigationFeasibilitySchema.nullable().optional(),
    /** The field's gross volume in the supply's units. */
    units: SupplyAmountSchema.nullable().optional(),
    /** Pump (or system) minutes for the field's volume, whenever the supply has a flow. */
    pumpMinutes: z.number().nullable().optional(),
    /** The most urgent zone's urgency (the field's, for the sensor-only rule). */
    urgency: IrrigationUrgencySchema.optional(),
    /** The yield a day late costs on the most urgent zone, % of Ym (see the zone's). */
    expectedLossPctPerDayLate: z.number().nullable().optional(),
  })
  .meta({
    id: 'IrrigationPrescription',
    description: "How much to water a field's zones, with the inputs and steps that say why.",
  });
export type IrrigationPrescription = z.infer<typeof IrrigationPrescriptionSchema>;
