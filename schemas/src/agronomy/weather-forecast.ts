import { z } from 'zod';

/**
 * A daily weather forecast for a cooperative, as a national meteorological service or a
 * forecast provider issues it. Prescriptions use its rain (to hold irrigation when rain will
 * cover the need) and its ET0; where ET0 is not given, it is computed from the forecast
 * temperatures by FAO-56's procedure for missing data (eq. 48 and 50, wind 2 m/s).
 */
export const WeatherForecastSchema = z
  .object({
    /** Who issued it, e.g. "NMA Ethiopia", "INMET", "KMD". */
    source: z.string().min(1).max(200),
    issuedAt: z.iso.datetime({ offset: true }),
    days: z
      .array(
        z
          .object({
            date: z.iso.date(),
            rainMm: z.number().min(0).max(500),
            tMaxC: z.number().min(-60).max(60).optional(),
            tMinC: z.number().min(-60).max(60).optional(),
            et0Mm: z.number().min(0).max(20).optional(),
          })
          .strict()
          .refine(
            (d) => d.et0Mm !== undefined || (d.tMaxC !== undefined && d.tMinC !== undefined),
            {
              message: 'give et0Mm, or tMaxC and tMinC',
            },
          )
          .refine((d) => d.tMaxC === undefined || d.tMinC === undefined || d.tMaxC >= d.tMinC, {
            message: 'tMaxC must not be below tMinC',
          }),
      )
      .min(1)
      .max(16),
  })
  .strict()
  .meta({
    id: 'WeatherForecast',
    description: "A cooperative's daily weather forecast, as issued.",
  });
export type WeatherForecast = z.infer<typeof WeatherForecastSchema>;
