import { z } from 'zod';
import { IdSchema } from '../topics/ids.js';
import { SOIL_TEXTURE_NAMES } from '../soil/soil-textures.js';

export const CoopSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1).max(200),
    countryCode: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2'),
    timezone: z.string().min(1),
  })
  .meta({ id: 'Coop', description: 'A cooperative: the tenant every other object belongs to.' });
export type Coop = z.infer<typeof CoopSchema>;

/** How a farmer is reached: SMS, the BeiDou short-message terminal, or not at all. */
export const FARMER_CHANNELS = ['sms', 'beidou', 'none'] as const;
export type FarmerChannel = (typeof FARMER_CHANNELS)[number];

const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
export const QuietHoursSchema = z.object({ start: ClockTimeSchema, end: ClockTimeSchema });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** An opt-in or opt-out, when and through what (`sms:STOP`, `api:manager-1`, `cli`, `seed`). */
export const ConsentSchema = z.object({
  state: z.enum(['opted-in', 'opted-out']),
  at: z.iso.datetime(),
  source: z.string().min(1).max(100),
});
export type Consent = z.infer<typeof ConsentSchema>;

export const FarmerSchema = z
  .object({
    id: IdSchema,
    coopId: IdSchema,
    name: z.string().min(1).max(200),
    // E.164, the form SMS gateways expect.
    phone: z.string().regex(/^\+[1-9]\d{6,14}$/, 'E.164 phone number'),
    // BCP 47 language tag for the farmer's messages (am, om, sw, pt-BR, ...).
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/),
    /** How messages reach the farmer (default `sms`): see farmerContact(). */
    channel: z.enum(FARMER_CHANNELS).optional(),
    /** The BeiDou card id of the terminal that receives the farmer's messages (channel `beidou`). */
    beidouCardId: z
      .string()
      .regex(/^\d{1,10}$/, 'a BeiDou card id: 1-10 digits')
      .optional(),
    /** No message in these hours, cooperative time (default 20:00-06:00); queued to the end. */
    quietHours: QuietHoursSchema.optional(),
    /** The farmer's last opt-in or opt-out; without one, never asked: no message is sent. */
    consent: ConsentSchema.optional(),
  })
  .meta({ id: 'Farmer', description: "A cooperative's member, reached by SMS or BeiDou." });
export type Farmer = z.infer<typeof FarmerSchema>;

/** GeoJSON Polygon (RFC 7946 §3.1.6), WGS84 / CGCS2000 longitude-latitude. */
export const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z
    .array(z.array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])).min(4))
    .min(1),
});
export type Polygon = z.infer<typeof PolygonSchema>;

export const IRRIGATION_METHODS = ['drip', 'sprinkler', 'furrow', 'hand'] as const;
export type IrrigationMethod = (typeof IRRIGATION_METHODS)[number];

/** A supply's discharge, m3/h, and the hours a day it may run (agronomy's default when absent). */
const flowM3h = z.number().positive().max(2000);
const hoursPerDay = z.number().gt(0).max(24);

/**
 * Where a field's water comes from and how much of it there is: what a prescription can ask of
 * the farmer in a day. A pump or a drip or sprinkler system delivers `flowM3h` for up to
 * `hoursPerDay`; a canal turn delivers `flowM3h` for `hoursPerTurn` once every `everyDays`; a
 * household watering by hand carries `litresPerDay` (a default from published figures when not
 * set: see `HAND_WATERING_LITRES_PER_DAY` in @shamba/agronomy).
 */
export const WaterSupplySchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('pump'), flowM3h, hoursPerDay: hoursPerDay.optional() }),
  z.object({
    method: z.literal('canal'),
    flowM3h,
    hoursPerTurn: z.number().gt(0).max(72),
    everyDays: z.number().int().min(1).max(60),
  }),
  z.object({ method: z.literal('hand'), litresPerDay: z.number().positive().max(100_000) }),
  z.object({ method: z.literal('drip'), flowM3h, hoursPerDay: hoursPerDay.optional() }),
  z.object({ method: z.literal('sprinkler'), flowM3h, hoursPerDay: hoursPerDay.optional() }),
]);
export type WaterSupply = z.infer<typeof WaterSupplySchema>;
export const WATER_SUPPLY_METHODS = ['pump', 'canal', 'hand', 'drip', 'sprinkler'] as const;
export type WaterSupplyMethod = (typeof WATER_SUPPLY_METHODS)[number];

/**
 * A management zone: part of a field that is watered and fertilised as one (its own soil,
 * rooting depth and vigour). What a zone does not set, it takes from its field.
 */
export const ZoneSchema = z.object({
  id: IdSchema,
  name: z.string().min(1).max(200).optional(),
  boundary: PolygonSchema,
  areaHa: z.number().positive(),
  soil: z
    .object({
      texture: z.enum(SOIL_TEXTURE_NAMES),
      fieldCapacity: z.number().gt(0).lt(1),
      wiltingPoint: z.number().gt(0).lt(1),
    })
    .optional(),
  rootDepthM: z.number().gt(0).max(3).optional(),
  /**
   * An N-rich reference strip (fertilised well above need): the N rate compares the other zones'
   * NDVI with it (OSU SBNRC). Without one, the field's greenest zone is the reference.
   */
  nRichStrip: z.boolean().optional(),
});
export type Zone = z.infer<typeof ZoneSchema>;

export const FieldSchema = z
  .object({
    id: IdSchema,
    coopId: IdSchema,
    farmerId: IdSchema,
    name: z.string().min(1).max(200),
    crop: z.string().min(1),
    plantingDate: z.iso.date(),
    areaHa: z.number().positive(),
    boundary: PolygonSchema,
    soil: z.object({
      texture: z.enum(SOIL_TEXTURE_NAMES),
      fieldCapacity: z.number().gt(0).lt(1),
      wiltingPoint: z.number().gt(0).lt(1),
    }),
    /** Effective rooting depth used by the water balance, m. */
    rootDepthM: z.number().gt(0).max(3),
    irrigationMethod: z.enum(IRRIGATION_METHODS),
    /** Ground elevation, m above sea level (for FAO-56 eq. 7); the station barometer if absent. */
    elevationM: z.number().min(-430).max(8850).optional(),
    /** Discharge of the field's pump, m3/h, where known: prescriptions then say pump minutes. */
    pumpFlowM3h: z.number().positive().optional(),
    /**
     * The field's water supply and its capacity. Without it, prescriptions derive one: a pump of
     * `pumpFlowM3h`, or for hand watering what a household carries in a day.
     */
    waterSupply: WaterSupplySchema.optional(),
    /**
     * Mineral N available to the crop this season (soil test plus fertiliser applied), kg N/ha,
     * where the cooperative records it; the yield forecast assumes a typical value otherwise.
     */
    nitrogenKgHa: z.number().min(0).max(1000).optional(),
    /** Management zones; a field without zones is one zone (with the field's id). */
    zones: z.array(ZoneSchema).max(20).optional(),
  })
  .meta({ id: 'Field', description: "A farmer's plot: its boundary, crop, soil and zones." });
export type Field = z.infer<typeof FieldSchema>;

export const DEVICE_KINDS = [
  'soil-probe',
  'weather-station',
  'valve-controller',
  'beidou-gateway',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const DeviceSchema = z.object({
  id: IdSchema,
  coopId: IdSchema,
  fieldId: IdSchema.nullable(),
  zoneId: IdSchema.nullable(),
  kind: z.enum(DEVICE_KINDS),
  /**
   * A BeiDou short-message gateway republishes, under their own topics, the readings of the
   * devices listed here (same cooperative); no other device may publish for another.
   */
  relayFor: z.array(IdSchema).optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const ROLES = ['admin', 'manager', 'agronomist', 'farmer', 'technician'] as const;
export type Role = z.infer<typeof RoleSchema>;
export const RoleSchema = z.enum(ROLES);

/** Who an API request acts for. Tenancy: coopId null only for admin; farmerId only for farmers. */
export interface Principal {
  role: Role;
  coopId: string | null;
  farmerId: string | null;
  name: string;
}
