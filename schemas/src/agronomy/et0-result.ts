import { z } from 'zod';

/**
 * What the ET0 calculator answers for one period: ET0 and the intermediate values FAO-56's
 * worked examples print (Examples 17-19), so each can be checked by hand. Pressure and vapour
 * pressures in kPa, radiation in MJ m-2 over the period, wind at 2 m in m/s.
 */
const common = {
  et0Mm: z.number(),
  /** Which FAO-56 equation gave ET0 (eq. 6 daily, eq. 53 hourly). */
  equation: z.string(),
  pressureKPa: z.number(),
  psychrometricConstantKPaC: z.number(),
  slopeKPaC: z.number(),
  esKPa: z.number(),
  eaKPa: z.number(),
  vpdKPa: z.number(),
  windSpeed2mMs: z.number(),
  raMJ: z.number(),
  rsMJ: z.number(),
  rsoMJ: z.number(),
  rsRsoRatio: z.number(),
  rnsMJ: z.number(),
  rnlMJ: z.number(),
  rnMJ: z.number(),
  soilHeatFluxMJ: z.number(),
  /** Which inputs and equation the actual vapour pressure came from. */
  humidityFrom: z.string(),
  /** Which inputs and equation the solar radiation came from. */
  radiationFrom: z.string(),
};

export const Et0ResultSchema = z
  .discriminatedUnion('timestep', [
    z.object({
      ...common,
      timestep: z.literal('daily'),
      tMeanC: z.number(),
      daylightHours: z.number(),
    }),
    z.object({
      ...common,
      timestep: z.literal('hourly'),
      tC: z.number(),
      standardMeridianDeg: z.number(),
      solarTimeAngleRad: z.number(),
      daylight: z.boolean(),
    }),
  ])
  .meta({
    id: 'Et0Result',
    description: 'FAO-56 Penman-Monteith ET0 for one period, with every intermediate value.',
  });

/** One period of a batch: its result, or why it was refused (`[index] message`). */
export const Et0OutcomeSchema = z.union([
  Et0ResultSchema,
  z.object({ error: z.object({ code: z.string(), message: z.string() }) }),
]);
