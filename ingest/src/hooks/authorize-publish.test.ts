import { describe, expect, it } from 'vitest';
import { parseTopic } from '@shamba/schemas';
import { mayPublish } from './authorize-publish.js';

const device = { id: 'probe-1', coopId: 'coop-a' };

describe('topic ACL (deny by default)', () => {
  it.each([
    ['shamba/v1/coop-a/probe-1/up/soil', true],
    ['shamba/v1/coop-a/probe-1/up/gnss', true],
    ['shamba/v1/coop-a/probe-2/up/soil', false], // another device
    ['shamba/v1/coop-b/probe-1/up/soil', false], // another cooperative
    ['shamba/v1/coop-a/probe-1/down/irrigate', false], // devices do not command themselves
    ['shamba/v1/coop-a/events/device.moved', false],
    ['$SYS/broker/clients', false],
    ['shamba/v1/coop-a/probe-1/up/soil/extra', false],
  ])('publish to %s: %s', (topic, allowed) => {
    expect(mayPublish(device, parseTopic(topic))).toBe(allowed);
  });
});
