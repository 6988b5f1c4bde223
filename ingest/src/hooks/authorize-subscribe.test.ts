import { describe, expect, it } from 'vitest';
import { maySubscribe } from './authorize-subscribe.js';

const device = { id: 'probe-1', coopId: 'coop-a' };

describe('topic ACL (deny by default)', () => {
  it.each([
    ['shamba/v1/coop-a/probe-1/down/#', true],
    ['shamba/v1/coop-a/probe-1/down/+', true],
    ['shamba/v1/coop-a/probe-1/down/irrigate', true],
    ['shamba/v1/coop-a/probe-1/#', false], // would include its own uplink and more
    ['shamba/v1/coop-a/+/down/#', false],
    ['shamba/v1/coop-a/probe-2/down/#', false],
    ['#', false],
    ['$SYS/#', false],
  ])('subscribe to %s: %s', (filter, allowed) => {
    expect(maySubscribe(device, filter)).toBe(allowed);
  });
});
