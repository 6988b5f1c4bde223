import { TOPIC_ROOT, parseTopic, type ParsedTopic } from '@shamba/schemas';

/** The identity a connection proved at CONNECT. */
export interface DeviceIdentity {
  id: string;
  coopId: string;
  /** Devices a BeiDou gateway may speak for (see DeviceSchema.relayFor). */
  relayFor?: readonly string[] | undefined;
}

/**
 * Deny by default (STYLE.md): a device may publish only under its own
 * `shamba/v1/{coop}/{id}/up/{stream}` (ARCHITECTURE.md, "Contracts"), and a gateway also under
 * those of the devices it relays for, in its own cooperative. Everything else, $SYS included,
 * is refused. `parsed` is the topic as `parseTopic` reads it (undefined: not ours).
 */
export function mayPublish(device: DeviceIdentity, parsed: ParsedTopic | undefined): boolean {
  if (parsed?.kind !== 'up' || parsed.coopId !== device.coopId) return false;
  return parsed.deviceId === device.id || (device.relayFor?.includes(parsed.deviceId) ?? false);
}

/** A device may subscribe to its own `down/#`, `down/+` or one `down/{command}`, nothing wider. */
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
