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

/**
 * PUBLISH and SUBSCRIBE (one token per topic filter) share a device's bucket: both are work the
 * device makes the broker do, and a refused publish counts like any other.
 */
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
    /**
     * Returns a token taken for a message we then failed to handle (a failed commit): the
     * failure is ours, so it costs the device nothing.
     */
    giveBack(key: string): void {
      const bucket = buckets.get(key);
      if (bucket !== undefined) bucket.tokens = Math.min(limit.burst, bucket.tokens + 1);
    },
    forget: (key: string) => buckets.delete(key),
  };
}
