import { TOPIC_ROOT, parseTopic } from '@shamba/schemas';
import type { DeviceIdentity } from './ingest-hooks.js';

/**
 * The default `authorizeSubscribe` hook. Deny by default: a device may subscribe to its own
 * `down/#`, `down/+` or one `down/{command}`, nothing wider.
 */
export function maySubscribe(device: DeviceIdentity, topicFilter: string): boolean {
  const own = `${TOPIC_ROOT}/${device.coopId}/${device.id}/down/`;
  if (!topicFilter.startsWith(own)) return false;
  const rest = topicFilter.slice(own.length);
  if (rest === '#' || rest === '+') return true;
  const parsed = parseTopic(topicFilter);
  return (
    parsed?.kind === 'down' && parsed.deviceId === device.id && parsed.coopId === device.coopId
  );
}
