/** How a retryable send failure (throttled, link down, provider 5xx) is tried again. */
export interface RetryPolicy {
  /** The first wait; each further attempt doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all before the message is marked failed. */
  maxAttempts: number;
}

/**
 * 30 s doubling to 30 min, 10 attempts: about 3.5 hours of trying, which covers an operator's
 * maintenance window or a mast's power cut without sending advice that is a day old.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  baseDelayMs: 30_000,
  maxDelayMs: 30 * 60_000,
  maxAttempts: 10,
};

/** The wait after the `attempt`-th failure (1-based). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
