import { isId } from './ids.js';

/**
 * The MQTT topic grammar (ARCHITECTURE.md, "Contracts"):
 *   shamba/v1/{coopId}/{deviceId}/up/{stream}     device -> platform
 *   shamba/v1/{coopId}/{deviceId}/down/{command}  platform -> device
 *   shamba/v1/{coopId}/events/{kind}              between services
 */
export const TOPIC_ROOT = 'shamba/v1';

export const UP_STREAMS = ['soil', 'weather', 'gnss', 'status'] as const;
export type UpStream = (typeof UP_STREAMS)[number];

export type ParsedTopic =
  | { kind: 'up'; coopId: string; deviceId: string; stream: UpStream }
  | { kind: 'down'; coopId: string; deviceId: string; command: string }
  | { kind: 'event'; coopId: string; eventKind: string };

export function isUpStream(value: string): value is UpStream {
  return (UP_STREAMS as readonly string[]).includes(value);
}

/** Parses a concrete topic (no wildcards); returns undefined for anything outside the grammar. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const levels = topic.split('/');
  if (levels[0] !== 'shamba' || levels[1] !== 'v1') return undefined;
  const coopId = levels[2];
  if (coopId === undefined || !isId(coopId)) return undefined;
  if (levels.length === 5 && levels[3] === 'events') {
    const eventKind = levels[4]!;
    return isEventKind(eventKind) ? { kind: 'event', coopId, eventKind } : undefined;
  }
  if (levels.length !== 6) return undefined;
  const [, , , deviceId, direction, last] = levels as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!isId(deviceId)) return undefined;
  if (direction === 'up' && isUpStream(last)) return { kind: 'up', coopId, deviceId, stream: last };
  if (direction === 'down' && isId(last)) return { kind: 'down', coopId, deviceId, command: last };
  return undefined;
}

// Event kinds are dotted ids such as `device.moved` or `prescription.created`.
function isEventKind(value: string): boolean {
  return /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*$/.test(value) && value.length <= 64;
}

export function upTopic(coopId: string, deviceId: string, stream: UpStream): string {
  return `${TOPIC_ROOT}/${coopId}/${deviceId}/up/${stream}`;
}

export function downTopic(coopId: string, deviceId: string, command: string): string {
  return `${TOPIC_ROOT}/${coopId}/${deviceId}/down/${command}`;
}

export function eventTopic(coopId: string, eventKind: string): string {
  return `${TOPIC_ROOT}/${coopId}/events/${eventKind}`;
}
