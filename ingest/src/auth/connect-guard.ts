import { isIPv6 } from 'node:net';
import { LruMap } from '../limits/lru-map.js';

/**
 * Failed CONNECTs, counted per source address. After `maxFailures` failures the source is
 * refused without looking anything up, for a time that doubles with each further failure, up to
 * `maxBackoffMs`, the way OpenSSH's PerSourcePenalties and fail2ban slow a guesser. A device
 * secret is 256 random bits, so this is not what stops guessing: it stops a stranger from
 * making the broker work (and log) for every attempt.
 *
 * Only the source is penalised, never a device id: ids are not secret, and a stranger sending
 * wrong passwords under a real device's id would otherwise lock the device out wherever it
 * connects from. A presented secret for a known device is always checked (see
 * createDeviceAuthenticator).
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
   * Sources remembered at most: more than the addresses a box's fleet connects from; past it
   * the least recent are forgotten (which forgets a penalty, and lets no one in).
   */
  maxEntries?: number;
}

export interface ConnectGuard {
  /** Milliseconds the source of `address` is still refused for; 0 when it may try. */
  blockedMs(address: string): number;
  failed(address: string): void;
  /**
   * A device proved its secret from `address`: the source's count goes, so the good devices
   * behind one NAT keep a neighbour's wrong secret from locking them out.
   */
  succeeded(address: string): void;
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
  const failures = new LruMap<string, Failures>(options.maxEntries ?? 16_384);

  return {
    blockedMs(address) {
      const key = sourceOf(address);
      const entry = failures.get(key);
      if (entry === undefined) return 0;
      const now = clock();
      if (now - entry.lastMs > memoryMs) {
        failures.delete(key);
        return 0;
      }
      if (entry.count < maxFailures) return 0;
      const backoffMs = Math.min(maxBackoffMs, baseBackoffMs * 2 ** (entry.count - maxFailures));
      return Math.max(0, entry.lastMs + backoffMs - now);
    },
    failed(address) {
      const key = sourceOf(address);
      const now = clock();
      const entry = failures.get(key);
      const fresh = entry === undefined || now - entry.lastMs > memoryMs;
      // Past the cap the count stops growing: the backoff is already at its ceiling.
      const count = fresh ? 1 : Math.min(entry.count + 1, maxFailures + 32);
      failures.set(key, { count, lastMs: now });
    },
    succeeded(address) {
      failures.delete(sourceOf(address));
    },
  };
}

/**
 * The unit a source is counted as: an IPv4 address, or an IPv6 /64. A /64 is the smallest
 * prefix a subscriber is given (RFC 6177, RFC 7934 §4), so one attacker holds all 2^64 of its
 * addresses. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, how a dual-stack listener reports
 * an IPv4 peer) counts as its IPv4 address. Anything else (a stand-in) is its own source.
 */
export function sourceOf(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped !== null) return mapped[1]!;
  const bare = address.split('%')[0]!; // a zone index (fe80::1%eth0) is local to the host
  if (!isIPv6(bare)) return address;
  // RFC 4291 §2.2: `::` stands for as many zero groups as are missing; an embedded IPv4
  // address counts as two groups.
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const width = (list: string[]) => list.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const before = groups(head);
  const after = groups(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - width(before) - width(after)).fill('0');
  const prefix = [...before, ...zeros, ...after].slice(0, 4);
  return `${prefix.map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}
