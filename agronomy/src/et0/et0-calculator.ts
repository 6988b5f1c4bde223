import { MAX_ET0_BATCH, ShambaError, isShambaError, parseEt0Request } from '@shamba/schemas';
import { computeEt0, type Et0Result } from './et0.js';

export type Et0Outcome = Et0Result | { error: { code: string; message: string } };

/**
 * The ET0 calculator behind `shamba et0` and `POST /v1/agronomy/et0`: one request object gives
 * one result (or throws INVALID_REQUEST); an array gives one outcome per element, in order, a
 * bad element answered with its error so that one bad day does not void a season's batch.
 */
export function calculateEt0(body: unknown): Et0Result | Et0Outcome[] {
  if (!Array.isArray(body)) return computeEt0(parseEt0Request(body));
  if (body.length > MAX_ET0_BATCH) {
    throw new ShambaError(
      'INVALID_REQUEST',
      `${body.length} periods in one call; at most ${MAX_ET0_BATCH}`,
    );
  }
  return body.map((item, index): Et0Outcome => {
    try {
      return computeEt0(parseEt0Request(item));
    } catch (error) {
      if (!isShambaError(error)) throw error;
      return { error: { code: error.code, message: `[${index}] ${error.message}` } };
    }
  });
}
