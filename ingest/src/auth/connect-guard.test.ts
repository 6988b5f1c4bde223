import { describe, expect, it } from 'vitest';
import { createConnectGuard } from './connect-guard.js';

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
      guard.failed(`guess-${i}`, '198.51.100.7');
      blocked.push(guard.blockedMs('anyone', '198.51.100.7'));
    }
    expect(blocked).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
    expect(guard.blockedMs('anyone', '203.0.113.9')).toBe(0); // another address is not touched
    advance(60_000);
    expect(guard.blockedMs('anyone', '198.51.100.7')).toBe(0);
  });

  it('refuses a device id guessed at from many addresses, but not the device where it connected before', () => {
    const { guard } = setup();
    guard.succeeded('probe-1', '10.0.0.5');
    for (let i = 0; i < 6; i++) guard.failed('probe-1', `198.51.100.${i}`);
    expect(guard.blockedMs('probe-1', '198.51.100.99')).toBe(2000);
    expect(guard.blockedMs('probe-1', '10.0.0.5')).toBe(0);
    expect(guard.trusted('probe-1', '10.0.0.5')).toBe(true);
    expect(guard.trusted('probe-1', '198.51.100.99')).toBe(false);
    guard.succeeded('probe-1', '10.0.0.5'); // the device proved itself: its id's count goes
    expect(guard.blockedMs('probe-1', '198.51.100.99')).toBe(0);
  });

  it('forgets failures after ten quiet minutes, and holds at most maxEntries keys', () => {
    const { guard, advance } = setup(4);
    for (let i = 0; i < 5; i++) guard.failed('x', '198.51.100.7');
    expect(guard.blockedMs('y', '198.51.100.7')).toBe(1000);
    advance(10 * 60_000 + 1);
    expect(guard.blockedMs('y', '198.51.100.7')).toBe(0);
    for (let i = 0; i < 5; i++) guard.failed('x', '198.51.100.7');
    // Two new keys (id and address) per failure push the oldest out: the map stays at 4.
    for (let i = 0; i < 2; i++) guard.failed(`other-${i}`, `203.0.113.${i}`);
    expect(guard.blockedMs('y', '198.51.100.7')).toBe(0);
  });
});
