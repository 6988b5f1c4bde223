import { z } from 'zod';
import { ShambaError } from '../errors/shamba-error.js';

/** The two daily temperature curves of Baskerville & Emin (1969), as UC IPM documents them. */
export const DEGREE_DAY_METHODS = ['single-sine', 'single-triangle'] as const;
/** Above the upper threshold: development goes on at its rate there, or stops. */
export const DEGREE_DAY_CUTOFFS = ['horizontal', 'vertical'] as const;

const airTempC = z.number().min(-60).max(60);

/**
 * One day for the degree-day calculator (`pnpm shamba degree-days`): the day's minimum and
 * maximum air temperature, and the organism's thresholds. Without `upperC`, no upper threshold.
 */
export const DegreeDayRequestSchema = z
  .object({
    tMinC: airTempC,
    tMaxC: airTempC,
    lowerC: airTempC,
    upperC: airTempC.optional(),
    method: z.enum(DEGREE_DAY_METHODS),
    cutoff: z.enum(DEGREE_DAY_CUTOFFS).default('horizontal'),
  })
  .strict()
  .refine((d) => d.tMaxC >= d.tMinC, { message: 'tMaxC must not be below tMinC', path: ['tMaxC'] })
  .refine((d) => d.upperC === undefined || d.upperC > d.lowerC, {
    message: 'upperC must be above lowerC',
    path: ['upperC'],
  });
export type DegreeDayRequest = z.infer<typeof DegreeDayRequestSchema>;

export function parseDegreeDayRequest(body: unknown): DegreeDayRequest {
  const parsed = DegreeDayRequestSchema.safeParse(body);
  if (!parsed.success) throw new ShambaError('INVALID_REQUEST', z.prettifyError(parsed.error));
  return parsed.data;
}
