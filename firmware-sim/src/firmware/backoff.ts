import type { Rng } from '@shamba/world';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/**
 * Reconnect delay with "full jitter": uniform in [0, min(cap, base * 2^attempt)] (Brooker,
 * "Exponential Backoff And Jitter", AWS Architecture Blog, 2015). After a broker restart it
 * spreads a cooperative's devices out instead of having them all reconnect in the same second.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: Rng): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
