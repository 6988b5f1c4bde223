import { describe, expect, it } from 'vitest';
import { clientKey, createAuthFailureLimit } from './auth-failure-limit.js';

describe('clientKey', () => {
  it('buckets IPv4 (mapped or not) by address, IPv6 by /64, unknown clients together', () => {
    expect(
      [
        '203.0.113.7',
        '::ffff:203.0.113.7',
        '2001:db8:1:2:aaaa::1',
        '2001:db8:1:2:bbbb:cccc:dddd:eeee',
        '2001:db8:1:3::1',
        '::1',
        undefined,
        '',
      ].map(clientKey),
    ).toEqual([
      '203.0.113.7',
      '203.0.113.7',
      '2001:db8:1:2::/64',
      '2001:db8:1:2::/64',
      '2001:db8:1:3::/64',
      '0:0:0:0::/64',
      'unknown',
      'unknown',
    ]);
  });
});

describe('createAuthFailureLimit', () => {
  it('allows 20 failures, then makes the address wait for a token to come back', () => {
    let now = 0;
    const limit = createAuthFailureLimit({ clock: () => now });
    const waits: number[] = [];
    for (let i = 0; i < 21; i++) {
      waits.push(limit.retryAfterMs('a'));
      if (waits.at(-1) === 0) limit.fail('a');
    }
    // 20 a minute: one comes back every 3 s.
    expect(waits).toEqual([...Array<number>(20).fill(0), 3000]);
    expect(limit.retryAfterMs('b')).toBe(0);
    now = 2999;
    expect(limit.retryAfterMs('a')).toBe(1);
    now = 3000;
    expect(limit.retryAfterMs('a')).toBe(0);
  });

  it('remembers at most maxClients addresses, forgetting the least recently seen', () => {
    const limit = createAuthFailureLimit({ maxFailures: 1, maxClients: 2, clock: () => 0 });
    limit.fail('a');
    limit.fail('b');
    limit.fail('a'); // a seen again: b is now the oldest
    limit.fail('c');
    expect(['a', 'b', 'c'].map((x) => limit.retryAfterMs(x) > 0)).toEqual([true, false, true]);
  });
});
