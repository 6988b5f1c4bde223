import { z } from 'zod';
import { ShambaError } from '../errors/shamba-error.js';

/**
 * The contract of the ET0 calculator (`pnpm shamba et0`, `POST /v1/agronomy/et0`): one period of
 * weather in FAO-56's own terms. Ranges are physical bounds (the hottest and coldest air
 * temperatures recorded, a day's top-of-atmosphere radiation), so a unit slip (°F, km/h, W/m²)
 * is refused instead of turned into a wrong number.
 */
const latitudeDeg = z.number().min(-90).max(90);
const elevationM = z.number().min(-430).max(8850); // Dead Sea shore to Everest
const windSpeedMs = z.number().min(0).max(60);
/** FAO-56 eq. 47 needs 67.8 z − 5.42 > 1; half a metre is the lowest mast anyone uses. */
const windHeightM = z.number().min(0.5).max(100).default(2);
const airTempC = z.number().min(-60).max(60);
const pct = z.number().min(0).max(100);

const DailySchema = z
  .object({
    timestep: z.literal('daily'),
    latitudeDeg,
    elevationM,
    dayOfYear: z.number().int().min(1).max(366),
    windSpeedMs,
    windHeightM,
    tMaxC: airTempC,
    tMinC: airTempC,
    rhMaxPct: pct.optional(),
    rhMinPct: pct.optional(),
    rhMeanPct: pct.optional(),
    tDewC: airTempC.optional(),
    actualVaporPressureKPa: z.number().gt(0).max(8).optional(),
    /** Daily Rs cannot exceed Ra, at most about 45 MJ m-2 day-1 anywhere (FAO-56 Annex 2, Table 2.6). */
    solarRadiationMJ: z.number().min(0).max(50).optional(),
    sunshineHours: z.number().min(0).max(24).optional(),
    kRs: z.number().min(0.1).max(0.25).default(0.16),
    soilHeatFluxMJ: z.number().min(-10).max(10).default(0),
  })
  .strict()
  .refine((d) => d.tMaxC >= d.tMinC, { message: 'tMaxC must not be below tMinC', path: ['tMaxC'] })
  .refine((d) => d.rhMaxPct === undefined || d.rhMinPct === undefined || d.rhMaxPct >= d.rhMinPct, {
    message: 'rhMaxPct must not be below rhMinPct',
    path: ['rhMaxPct'],
  })
  .refine((d) => d.solarRadiationMJ === undefined || d.sunshineHours === undefined, {
    message: 'give solarRadiationMJ or sunshineHours, not both',
    path: ['sunshineHours'],
  });

const HourlySchema = z
  .object({
    timestep: z.literal('hourly'),
    latitudeDeg,
    elevationM,
    dayOfYear: z.number().int().min(1).max(366),
    windSpeedMs,
    windHeightM,
    tC: airTempC,
    rhPct: pct,
    /** Rs over the period; an hour's Ra is at most about 5 MJ m-2. */
    solarRadiationMJ: z.number().min(0).max(5),
    /** Start of the period, local standard time (no daylight saving), hours. */
    hour: z.number().min(0).lt(24),
    /** FAO-56 eq. 53 is for periods of an hour or shorter. */
    periodHours: z.number().gt(0).max(1).default(1),
    longitudeDeg: z.number().min(-180).max(180),
    standardMeridianDeg: z.number().min(-180).max(180).optional(),
    /**
     * Rs/Rso for night periods, when it cannot be measured: FAO-56 §3 (eq. 39 for hourly periods)
     * takes it from 2-3 hours before sunset, about 0.4-0.6 in humid and subhumid climates and
     * 0.7-0.8 in arid and semiarid ones.
     */
    nightRsRsoRatio: z.number().min(0.3).max(1).default(0.6),
  })
  .strict();

export const Et0RequestSchema = z.preprocess(
  (value) =>
    typeof value === 'object' && value !== null && !('timestep' in value)
      ? { ...value, timestep: 'daily' }
      : value,
  z.discriminatedUnion('timestep', [DailySchema, HourlySchema]),
);

export type Et0Request = z.infer<typeof Et0RequestSchema>;
export type DailyEt0Request = Extract<Et0Request, { timestep: 'daily' }>;
export type HourlyEt0Request = Extract<Et0Request, { timestep: 'hourly' }>;

/** At most this many periods per call: a year of hours (8,784) plus headroom. */
export const MAX_ET0_BATCH = 10_000;

/** Validates one ET0 request, throwing INVALID_REQUEST with every problem named. */
export function parseEt0Request(value: unknown): Et0Request {
  const parsed = Et0RequestSchema.safeParse(value);
  if (!parsed.success) {
    throw new ShambaError('INVALID_REQUEST', z.prettifyError(parsed.error).replaceAll('\n', ' '));
  }
  return parsed.data;
}
