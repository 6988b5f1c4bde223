import { z } from 'zod';
import {
  CoopSchema,
  DEVICE_KINDS,
  FarmerSchema,
  FieldSchema,
  IdSchema,
  PolygonSchema,
} from '@shamba/schemas';

const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

const MonthlyNormalSchema = z.object({
  tMaxC: z.number(),
  tMinC: z.number(),
  rhMeanPct: z.number().min(0).max(100),
  windMs: z.number().min(0),
  rainMm: z.number().min(0),
  rainDays: z.number().min(0).max(31),
});

/** A field as the simulated world knows it: the registry's view plus its hidden state. */
export const ScenarioFieldSchema = FieldSchema.omit({ coopId: true, areaHa: true }).extend({
  /** Root-zone depletion at the start, as a fraction of TAW (0 = field capacity). */
  initialDepletionFraction: z.number().min(0).max(1),
  /** Mineral N available to the crop this season (soil plus fertiliser), kg N/ha. */
  nitrogenKgHa: z.number().min(0).optional(),
  /** The farmer refills the root zone whenever depletion reaches this fraction of TAW. */
  autoIrrigation: z.object({ atDepletionFraction: z.number().gt(0).max(1) }).optional(),
  /**
   * Parts of the field that differ (soil, depth, vigour): each has its own water balance and
   * canopy. Whatever a zone does not set, it takes from the field.
   */
  zones: z
    .array(
      z.object({
        id: IdSchema,
        boundary: PolygonSchema,
        soil: FieldSchema.shape.soil.optional(),
        rootDepthM: z.number().gt(0).max(3).optional(),
        initialDepletionFraction: z.number().min(0).max(1).optional(),
        /** Canopy potential relative to the field's best (a shallow or eroded zone grows less). */
        vigour: z.number().gt(0).max(1.2).optional(),
      }),
    )
    .optional(),
});

export const ScenarioDeviceSchema = z.object({
  id: IdSchema,
  kind: z.enum(DEVICE_KINDS),
  fieldId: IdSchema,
  /** The zone of the field it measures; the zone its position falls in, or the first, if omitted. */
  zoneId: IdSchema.optional(),
  /** Where it stands, [longitude, latitude]; the field's centre when omitted. */
  position: LonLat.optional(),
  /** GNSS receiver: BeiDou-only `GB` (default), multi-GNSS `GN`, or a legacy `BD` unit. */
  gnss: z.object({ talker: z.enum(['GB', 'GN', 'BD']), rtk: z.boolean() }).optional(),
  /** Uplink encoding: compact for LoRaWAN or BeiDou short-message links. */
  codec: z.enum(['senml', 'compact']).optional(),
  /** Real-time-clock drift, ppm (a cheap crystal is within +-20 ppm at 25 degC). */
  driftPpm: z.number().optional(),
  batteryPct: z.number().min(0).max(100).optional(),
  /** Has a solar panel (default true). */
  solar: z.boolean().optional(),
  /** Out of cellular coverage: sends over a BeiDou short-message card with this number. */
  beidouCard: z
    .string()
    .regex(/^\d{6,10}$/)
    .optional(),
});

export const ScenarioSchema = z.object({
  id: IdSchema,
  description: z.string().optional(),
  seed: z.number().int(),
  coop: CoopSchema,
  site: z.object({
    latitudeDeg: z.number().min(-90).max(90),
    longitudeDeg: z.number().min(-180).max(180),
    elevationM: z.number(),
  }),
  /** Geoid height above the WGS84 ellipsoid at the site, m (EGM96), for GGA. */
  geoidSeparationM: z.number().optional(),
  climate: z.object({
    monthly: z.array(MonthlyNormalSchema).length(12),
    rainFactor: z.number().min(0).optional(),
  }),
  farmers: z.array(FarmerSchema).min(1),
  fields: z.array(ScenarioFieldSchema).min(1),
  devices: z.array(ScenarioDeviceSchema),
  /** Showers on top of the climate's, e.g. to stage a demo. */
  rain: z
    .array(
      z.object({
        dayOffset: z.number().min(0),
        hour: z.number().min(0).max(24),
        mm: z.number().min(0),
      }),
    )
    .default([]),
  /** The cooperative's BeiDou short-message gateway, receiving for devices that have a card. */
  beidouGateway: z.object({ id: IdSchema, card: z.string().regex(/^\d{6,10}$/) }).optional(),
  /** The device is carried away (stolen, or moved to another plot) to this position. */
  events: z
    .array(z.object({ dayOffset: z.number().min(0), deviceId: IdSchema, relocateTo: LonLat }))
    .default([]),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioField = z.infer<typeof ScenarioFieldSchema>;
export type ScenarioDevice = z.infer<typeof ScenarioDeviceSchema>;

/** Validates a scenario (from a JSON file) and checks that its references hold together. */
export function parseScenario(json: unknown): Scenario {
  const parsed = ScenarioSchema.safeParse(json);
  if (!parsed.success) throw new Error(`invalid scenario:\n${z.prettifyError(parsed.error)}`);
  const scenario = parsed.data;
  const fieldIds = new Set(scenario.fields.map((f) => f.id));
  const farmerIds = new Set(scenario.farmers.map((f) => f.id));
  for (const f of scenario.fields)
    if (!farmerIds.has(f.farmerId)) throw new Error(`field ${f.id}: no farmer ${f.farmerId}`);
  for (const d of scenario.devices)
    if (!fieldIds.has(d.fieldId)) throw new Error(`device ${d.id}: no field ${d.fieldId}`);
  for (const e of scenario.events)
    if (!scenario.devices.some((d) => d.id === e.deviceId))
      throw new Error(`event: no device ${e.deviceId}`);
  if (new Set(scenario.devices.map((d) => d.id)).size !== scenario.devices.length)
    throw new Error('device ids repeat');
  return scenario;
}
