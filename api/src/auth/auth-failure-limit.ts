import { isIP } from 'node:net';
import { ipv6Bytes } from '@shamba/raster';

/**
 * Failed authentications per client address, as a token bucket (RFC 6585 §4 for the 429 that
 * follows): each failure takes a token, tokens come back at a steady rate, an empty bucket
 * refuses the address until one has come back. A 256-bit token cannot be guessed at any rate;
 * this stops the noise and the cost of unlimited guessing cheaply.
 */
export interface AuthFailureLimitOptions {
  /** Failures an address may make in a burst, and regains per `windowMs` (default 20). */
  maxFailures?: number;
  /** Default 60 s: 20 failures a minute is more than any person mistyping a token makes. */
  windowMs?: number;
  /**
   * Addresses remembered (default 10,000: one map entry of a short string and a number each):
   * past it the least recently seen is forgotten, so a spray of addresses cannot grow memory.
   */
  maxClients?: number;
  clock?: () => number;
}

export interface AuthFailureLimit {
  /** Milliseconds until `client` may try again; 0 when it may try now. */
  retryAfterMs(client: string): number;
  /** Counts one failure against `client`. */
  fail(client: string): void;
}

/**
 * The bucket an address falls in: an IPv4 address (also when IPv4-mapped), or an IPv6 /64 (one
 * host's usual allocation, RFC 6177: a client has all of it, so counting single addresses
 * would give it 2^64 buckets). An unknown address (in-process requests) shares one bucket.
 */
export function clientKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  if (isIP(address) !== 6) return address;
  const b = ipv6Bytes(address);
  // IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2): a dual-stack socket's IPv4 client.
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff)
    return b.subarray(12).join('.');
  const groups = [0, 2, 4, 6].map((i) => ((b[i]! << 8) | b[i + 1]!).toString(16));
  return `${groups.join(':')}::/64`;
}

export function createAuthFailureLimit(options: AuthFailureLimitOptions = {}): AuthFailureLimit {
  const capacity = options.maxFailures ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const maxClients = options.maxClients ?? 10_000;
  const clock = options.clock ?? Date.now;
  // The bucket kept as one number (GCRA, ITU-T I.371): the time it is full again. A failure
  // adds one interval; an address may fail while that time is less than a window ahead.
  const intervalMs = windowMs / capacity;
  const fullAt = new Map<string, number>();

  return {
    retryAfterMs(client) {
      const ahead = (fullAt.get(client) ?? 0) - clock();
      return Math.max(0, Math.ceil(ahead - (windowMs - intervalMs)));
    },
    fail(client) {
      const at = Math.max(fullAt.get(client) ?? 0, clock()) + intervalMs;
      fullAt.delete(client); // re-inserted last: the map's order is least recently seen first
      fullAt.set(client, at);
      while (fullAt.size > maxClients) fullAt.delete(fullAt.keys().next().value as string);
    },
  };
}
