import { describe, expect, it } from 'vitest';
import { createConnectGuard, sourceOf } from './connect-guard.js';

describe('the failed-CONNECT backoff', () => {
  const setup = (maxEntries?: number) => {
    let now = 1_000_000;
    const guard = createConnectGuard({
      clock: () => now,
      ...(maxEntries === undefined ? {} : { maxEntries }),
    });
    return { guard, advance: (ms: number) => (now += ms) };
  };

  it('refuses an address after five failures, for a time that doubles up to a minute', () => {
    const { guard, advance } = setup();
    const blocked: number[] = [];
    for (let i = 0; i < 12; i++) {
      guard.failed('198.51.100.7');
      blocked.push(guard.blockedMs('198.51.100.7'));
    }
    expect(blocked).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    expect(guard.blockedMs('203.0.113.9')).toBe(0); // another address is not touched
    advance(60_000);
    expect(guard.blockedMs('198.51.100.7')).toBe(0);
  });

  it('counts an IPv6 /64 as one source, and an IPv4-mapped address as its IPv4 address', () => {
    const { guard } = setup();
    for (let i = 1; i <= 5; i++) guard.failed(`2001:db8:1:2:${i}::${i}`);
    expect(guard.blockedMs('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(1000);
    expect(guard.blockedMs('2001:db8:1:3::1')).toBe(0);
    for (let i = 0; i < 5; i++) guard.failed('::ffff:198.51.100.7');
    expect(guard.blockedMs('198.51.100.7')).toBe(1000);
  });

  it('clears a source when a device proves its secret from it (good devices behind one NAT)', () => {
    const { guard } = setup();
    for (let i = 0; i < 6; i++) guard.failed('198.51.100.7');
    expect(guard.blockedMs('198.51.100.7')).toBe(2000);
    guard.succeeded('198.51.100.7');
    expect(guard.blockedMs('198.51.100.7')).toBe(0);
  });

  it('forgets failures after ten quiet minutes, and holds at most maxEntries sources', () => {
    const { guard, advance } = setup(2);
    for (let i = 0; i < 5; i++) guard.failed('198.51.100.7');
    expect(guard.blockedMs('198.51.100.7')).toBe(1000);
    advance(10 * 60_000 + 1);
    expect(guard.blockedMs('198.51.100.7')).toBe(0);
    for (let i = 0; i < 5; i++) guard.failed('198.51.100.7');
    // Two other sources push the oldest out: the map stays at 2.
    guard.failed('203.0.113.1');
    guard.failed('203.0.113.2');
    expect(guard.blockedMs('198.51.100.7')).toBe(0);
  });
});

describe('the source of an address', () => {
  it('is the IPv4 address, or the /64 of an IPv6 address in canonical form', () => {
    expect(
      [
        '198.51.100.7',
        '::ffff:198.51.100.7',
        '2001:db8::1',
        '2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd',
        '2001:db8:0:1::',
        'fe80::1%eth0',
        '::1',
        '::',
        '64:ff9b::198.51.100.7',
        'unknown',
      ].map(sourceOf),
    ).toEqual([
      '198.51.100.7',
      '198.51.100.7',
      '2001:db8:0:0::/64',
      '2001:db8:0:1::/64',
      '2001:db8:0:1::/64',
      'fe80:0:0:0::/64',
      '0:0:0:0::/64',
      '0:0:0:0::/64',
      '64:ff9b:0:0::/64',
      'unknown',
    ]);
  });
});
