import { LruMap } from '../limits/lru-map.js';

/**
 * Failed CONNECTs, counted per device id and per remote address. After `maxFailures` failures
 * the id (or address) is refused without looking anything up for a time that doubles with each
 * further failure, up to `maxBackoffMs`, the way OpenSSH's PerSourcePenalties and fail2ban
 * slow a guesser. A device secret is 256 random bits, so this is not what stops guessing: it
 * stops a stranger from making the broker work (and log) for every attempt.
 *
 * A device that has connected from an address before (a "trusted pair") is never refused by
 * the backoff: otherwise a stranger sending wrong passwords under a real device's id (ids are
 * not secret), or from the same NAT, would lock the real device out.
 */
export interface ConnectGuardOptions {
  clock: () => number;
  /**
   * Failures before the backoff starts. A misconfigured device fails a few times in a row
   * (a wrong secret, then its retries); five leaves it those and the operator time to notice.
   */
  maxFailures?: number;
  /** The first refusal period; each failure after that doubles it. */
  baseBackoffMs?: number;
  /** A minute: long enough to make guessing pointless, short enough for a fixed device to rejoin. */
  maxBackoffMs?: number;
  /** Failures older than this are forgotten (ten quiet minutes: the source gave up or was fixed). */
  memoryMs?: number;
  /**
   * Ids and addresses remembered at most, each (about 100 bytes an entry, so under 2 MB):
   * more than a box's fleet of devices; past it the least recent go.
   */
  maxEntries?: number;
}

export interface ConnectGuard {
  /** Milliseconds `id` (or `address`) is still refused for; 0 when it may try. */
  blockedMs(id: string, address: string): number;
  /** Whether `id` connected from `address` before (it skips the backoff and queues first). */
  trusted(id: string, address: string): boolean;
  failed(id: string, address: string): void;
  succeeded(id: string, address: string): void;
}

interface Failures {
  count: number;
  lastMs: number;
}

export function createConnectGuard(options: ConnectGuardOptions): ConnectGuard {
  const { clock } = options;
  const maxFailures = options.maxFailures ?? 5;
  const baseBackoffMs = options.baseBackoffMs ?? 1000;
  const maxBackoffMs = options.maxBackoffMs ?? 60_000;
  const memoryMs = options.memoryMs ?? 10 * 60_000;
  const maxEntries = options.maxEntries ?? 16_384;
  const failures = new LruMap<string, Failures>(maxEntries);
  const pairs = new LruMap<string, number>(maxEntries);
  const pair = (id: string, address: string) => `${id}\u0000${address}`;

  const remaining = (key: string, now: number): number => {
    const entry = failures.get(key);
    if (entry === undefined) return 0;
    if (now - entry.lastMs > memoryMs) {
      failures.delete(key);
      return 0;
    }
    if (entry.count < maxFailures) return 0;
    const backoffMs = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (entry.count - maxFailures));
    return Math.max(0, entry.lastMs + backoffMs - now);
  };
  const fail = (key: string, now: number) => {
    const entry = failures.get(key);
    const fresh = entry === undefined || now - entry.lastMs > memoryMs;
    // Past the cap the count stops growing: the backoff is already at its ceiling.
    const count = fresh ? 1 : Math.min(entry.count + 1, maxFailures + 32);
    failures.set(key, { count, lastMs: now });
  };

  return {
    blockedMs(id, address) {
      if (pairs.get(pair(id, address)) !== undefined) return 0;
      const now = clock();
      return Math.max(remaining(`id:${id}`, now), remaining(`addr:${address}`, now));
    },
    trusted: (id, address) => pairs.get(pair(id, address)) !== undefined,
    failed(id, address) {
      const now = clock();
      fail(`id:${id}`, now);
      fail(`addr:${address}`, now);
    },
    succeeded(id, address) {
      // The id's failures were someone else's guesses; the address's stay (a NAT may hold both).
      failures.delete(`id:${id}`);
      pairs.set(pair(id, address), clock());
    },
  };
}
