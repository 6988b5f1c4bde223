import { Resolver } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ShambaError } from '@shamba/schemas';

/**
 * Which remote scene URLs may be fetched. The default (nothing set) is the safe one: public
 * addresses only, any host. Plain data, so it travels with a scene item into a worker thread.
 */
export interface RemoteAccess {
  /**
   * Also fetch from non-public addresses (loopback, private, link-local, ...): `true` for any,
   * or a list of addresses and CIDR blocks (`127.0.0.1`, `10.1.2.0/24`) for just those. Off by
   * default; tests that serve files on 127.0.0.1 allow that one address, as an operator whose
   * object store is on the local network may allow its address.
   */
  allowPrivateAddresses?: boolean | readonly string[];
  /**
   * When set, only these hosts (exact names, case-insensitive; `*.example.com` matches any
   * subdomain of example.com). Checked for the URL and for every redirect.
   */
  hosts?: readonly string[];
  /**
   * The DNS servers host names are resolved with (`1.1.1.1`, `[::1]:5353`); the system's
   * (/etc/resolv.conf) by default. Tests point it at a DNS server of their own.
   */
  dnsServers?: readonly string[];
}

/** Whether a scene path is a URL to fetch through the guard (else it is a local file). */
export const isHttpUrl = (path: string) => /^https?:\/\//i.test(path);

/** The only message a refused URL gets: it says nothing about what is at the address. */
export const URL_REFUSED = 'the scene URL was refused';
/** The only message a failed fetch gets: no status, no address, no body. */
export const FETCH_FAILED = 'the scene could not be fetched';

export const refused = (cause?: unknown) =>
  new ShambaError('INVALID_REQUEST', URL_REFUSED, cause === undefined ? undefined : { cause });
export const fetchFailed = (cause?: unknown) =>
  new ShambaError('RASTER_INVALID', FETCH_FAILED, cause === undefined ? undefined : { cause });

/**
 * Addresses that are not the public internet: the IANA special-purpose registries (RFC 6890 and
 * its updates). A scene server is on the public internet, so none of these is ever fetched
 * unless `allowPrivateAddresses` says so.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", incl. the unspecified address (RFC 791, RFC 1122 §3.2.1.3)
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback (RFC 1122 §3.2.1.3)
  ['169.254.0.0', 16], // link-local, incl. cloud metadata at 169.254.169.254 (RFC 3927)
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24], // documentation TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking (RFC 2544)
  ['198.51.100.0', 24], // documentation TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24], // documentation TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4], // multicast (RFC 5771)
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255 (RFC 1112 §4, RFC 919)
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}

/**
 * IPv6 global unicast, 2000::/3 (RFC 4291 §2.4, IANA IPv6 Address Space registry): a scene
 * server has such an address. Everything outside it is not the public internet: ::/8 with the
 * unspecified, loopback, IPv4-compatible and IPv4-translated (::ffff:0:0:0/96, RFC 2765 §2.1)
 * forms, discard-only 100::/64 (RFC 6666), local-use NAT64 64:ff9b:1::/48 (RFC 8215), unique
 * local fc00::/7 (RFC 4193), link-local fe80::/10 and multicast ff00::/8 (RFC 4291 §2.5.6,
 * §2.7). Addresses with an IPv4 address embedded are judged by it first (`embeddedIpv4`).
 */
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');
for (const [network, prefix] of [
  ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32 (RFC 2928, RFC 4380)
  ['2001:db8::', 32], // documentation (RFC 3849)
  ['3fff::', 20], // documentation (RFC 9637)
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/**
 * The 16 bytes of an IPv6 address (with `::` and a dotted-quad tail; a zone id is dropped), as
 * `isIP` accepts it: the address policy and the API's per-client buckets read addresses by it.
 */
export function ipv6Bytes(address: string): Uint8Array {
  const bytes = new Uint8Array(16);
  let text = address.split('%')[0]!;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail !== null) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    bytes[2 * i] = v >> 8;
    bytes[2 * i + 1] = v & 0xff;
  });
  return bytes;
}

const dotted = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

/**
 * The IPv4 address an IPv6 address stands for, where one is embedded and would be reached:
 * IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2), NAT64 64:ff9b::/96 (RFC 6052), 6to4 2002::/16
 * (RFC 3056). `::ffff:127.0.0.1` is loopback, whatever the IPv6 block list says.
 */
function embeddedIpv4(b: Uint8Array): string | undefined {
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return dotted(b, 12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return dotted(b, 12);
  if (b[0] === 0x20 && b[1] === 0x02) return dotted(b, 2);
  return undefined;
}

/** Whether an IP address (v4 or v6, as node:dns or node:net give it) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address.split('%')[0]!);
  if (family === 4) return !NOT_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const bytes = ipv6Bytes(address);
  const v4 = embeddedIpv4(bytes);
  if (v4 !== undefined) return isPublicAddress(v4);
  const plain = address.split('%')[0]!;
  return GLOBAL_UNICAST.check(plain, 'ipv6') && !NOT_PUBLIC.check(plain, 'ipv6');
}

/** Whether the policy lets this non-public address be fetched. */
function privateAllowed(address: string, access: RemoteAccess | undefined): boolean {
  const allow = access?.allowPrivateAddresses;
  if (allow === undefined || allow === false) return false;
  if (allow === true) return true;
  const plain = address.split('%')[0]!;
  const list = new BlockList();
  for (const entry of allow) {
    const [network = '', prefix] = entry.split('/');
    const type = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(network) === 0) continue;
    if (prefix === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(prefix), type);
  }
  return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
}

function hostAllowed(host: string, hosts: readonly string[] | undefined): boolean {
  if (hosts === undefined) return true;
  const name = host.toLowerCase();
  return hosts.some((allowed) => {
    const rule = allowed.toLowerCase();
    return rule.startsWith('*.') ? name.endsWith(rule.slice(1)) : name === rule;
  });
}

/** An address that was checked: connect to exactly this one. */
export interface CheckedTarget {
  url: URL;
  /** The host name as the URL gives it (brackets of an IPv6 literal removed). */
  host: string;
  address: string;
  family: 4 | 6;
}

/**
 * One DNS try's wait, and tries per server. Node's default is 4 tries (node:dns `Resolver`
 * docs), so a name whose servers never answer would hold a fetch slot for many seconds; a
 * server that works answers the first try, and a second covers one lost UDP packet. The
 * fetch's own deadline (`timeoutMs`) cancels the lookup sooner when it is shorter.
 */
const DNS_TRY_MS = 2_000;
const DNS_TRIES = 2;

/** Errors that mean "no address of this family", not "the lookup failed". */
const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND']);

/**
 * Every address of `host`, A and AAAA. Through c-ares (`dns.Resolver`), which queries on the
 * event loop, not `dns.lookup`'s getaddrinfo, which holds one of libuv's four pool threads
 * (shared with file and crypto work) for as long as a slow name takes. `localhost` names are
 * answered here, as RFC 6761 §6.3 asks, since c-ares queries servers, not /etc/hosts.
 */
async function resolveHost(
  host: string,
  access: RemoteAccess | undefined,
  signal: AbortSignal | undefined,
): Promise<{ address: string; family: 4 | 6 }[]> {
  if (isIP(host) !== 0) return [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  if (/^(.+\.)?localhost\.?$/i.test(host)) return [{ address: '127.0.0.1', family: 4 }];
  signal?.throwIfAborted();
  const resolver = new Resolver({ timeout: DNS_TRY_MS, tries: DNS_TRIES });
  if (access?.dnsServers !== undefined) resolver.setServers(access.dnsServers);
  const cancel = () => resolver.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
    const answer = (result: PromiseSettledResult<string[]>, family: 4 | 6) => {
      if (result.status === 'fulfilled')
        return result.value.map((address) => ({ address, family }));
      // A family that failed otherwise (timeout, SERVFAIL) might hold a private address: the
      // name is not used on the other family's answer alone.
      if (NO_RECORDS.has((result.reason as { code?: string }).code ?? '')) return [];
      throw result.reason;
    };
    return [...answer(v4, 4), ...answer(v6, 6)];
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

/**
 * Parses a URL (the WHATWG parser normalises `2130706433`, `0x7f000001` and `127.1` to
 * `127.0.0.1`), checks its scheme and host against the policy, resolves the host (every address
 * it has) and refuses it unless all of them are public. The caller connects to the address
 * returned, never resolving the name again, so a second DNS answer cannot point elsewhere.
 * A name that does not resolve is refused exactly like one that resolves to a private address,
 * so the answer does not tell which internal names exist.
 */
export async function checkUrl(
  href: string | URL,
  access: RemoteAccess | undefined,
  signal?: AbortSignal,
): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(href);
  } catch (cause) {
    throw refused(cause);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused();
  // Credentials in a URL would be sent to whatever the host is: never ours to send.
  if (url.username !== '' || url.password !== '') throw refused();
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '' || !hostAllowed(host, access?.hosts)) throw refused();
  let addresses: { address: string; family: 4 | 6 }[];
  try {
    addresses = await resolveHost(host, access, signal);
  } catch (cause) {
    throw refused(cause);
  }
  const first = addresses[0];
  if (first === undefined) throw refused();
  if (!addresses.every((a) => isPublicAddress(a.address) || privateAllowed(a.address, access)))
    throw refused();
  return { url, host, address: first.address, family: first.family };
}
