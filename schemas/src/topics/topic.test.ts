import { describe, expect, it } from 'vitest';
import { downTopic, eventTopic, parseTopic, upTopic } from './topic.js';

describe('topic grammar', () => {
  it('parses what it formats', () => {
    expect(parseTopic(upTopic('coop-1', 'soil-7', 'soil'))).toEqual({
      kind: 'up',
      coopId: 'coop-1',
      deviceId: 'soil-7',
      stream: 'soil',
    });
    expect(parseTopic(downTopic('coop-1', 'valve-2', 'irrigate'))).toEqual({
      kind: 'down',
      coopId: 'coop-1',
      deviceId: 'valve-2',
      command: 'irrigate',
    });
    expect(parseTopic(eventTopic('coop-1', 'device.moved'))).toEqual({
      kind: 'event',
      coopId: 'coop-1',
      eventKind: 'device.moved',
    });
  });

  it.each([
    'shamba/v1/coop-1/soil-7/up/radiation', // unknown stream
    'shamba/v1/coop-1/soil-7/up/soil/extra',
    'shamba/v2/coop-1/soil-7/up/soil',
    'shamba/v1/Coop-1/soil-7/up/soil', // ids are lowercase
    'shamba/v1/coop-1/../up/soil',
    'shamba/v1/coop-1/soil-7/sideways/soil',
    'shamba/v1/coop-1/+/up/soil',
    '$SYS/broker/uptime',
    '',
  ])('rejects %j', (topic) => {
    expect(parseTopic(topic)).toBeUndefined();
  });
});
