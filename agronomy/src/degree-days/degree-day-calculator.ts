import { isShambaError, parseDegreeDayRequest, ShambaError } from '@shamba/schemas';
import { degreeDays } from './degree-days.js';

/** A season of days in one call is ample (a year is 366). */
export const MAX_DEGREE_DAY_BATCH = 10_000;

export type DegreeDayOutcome =
  { degreeDays: number } | { error: { code: string; message: string } };

/**
 * The calculator's contract (`pnpm shamba degree-days`): one day, or an array of days, each
 * answered with `degreeDays` (°C·day, rounded to 1e-6), or a bad element with its error in its
 * place.
 */
export function calculateDegreeDays(body: unknown): { degreeDays: number } | DegreeDayOutcome[] {
  const one = (item: unknown) => ({
    degreeDays: Math.round(degreeDays(parseDegreeDayRequest(item)) * 1e6) / 1e6,
  });
  if (!Array.isArray(body)) return one(body);
  if (body.length > MAX_DEGREE_DAY_BATCH)
    throw new ShambaError(
      'INVALID_REQUEST',
      `${body.length} days in one call; at most ${MAX_DEGREE_DAY_BATCH}`,
    );
  return body.map((item, index): DegreeDayOutcome => {
    try {
      return one(item);
    } catch (error) {
      if (!isShambaError(error)) throw error;
      return { error: { code: error.code, message: `[${index}] ${error.message}` } };
    }
  });
}
