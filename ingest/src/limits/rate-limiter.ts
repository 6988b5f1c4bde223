/**
 * A token bucket per device: `burst` messages at once, refilled at `perSecond`. A probe sends
 * one message per 15 minutes and replays its flash queue in packs of up to 16 readings after
 * an outage; 60 messages in a burst and one per second sustained covers both with room, while a
 * device gone wrong (or an attacker with its secret) cannot monopolise the broker.
 */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { burst: 60, perSecond: 1 };

export function createRateLimiter(limit: RateLimit, clock: () => number) {
  const buckets = new Map<string, { tokens: number; atMs: number }>();
  return {
    /** Takes one token for `key`; false when the bucket is empty. */
    take(key: string): boolean {
      const now = clock();
      const bucket = buckets.get(key) ?? { tokens: limit.burst, atMs: now };
      bucket.tokens = Math.min(
        limit.burst,
        bucket.tokens + ((now - bucket.atMs) / 1000) * limit.perSecond,
      );
      bucket.atMs = now;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    forget: (key: string) => buckets.delete(key),
  };
}
