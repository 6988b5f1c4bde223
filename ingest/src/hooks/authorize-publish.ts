import type { ParsedTopic } from '@shamba/schemas';
import type { DeviceIdentity } from './ingest-hooks.js';

/**
 * The default `authorizePublish` hook. Deny by default (STYLE.md): a device may publish only
 * under its own `shamba/v1/{coop}/{id}/up/{stream}` (ARCHITECTURE.md, "Contracts"), and a
 * gateway also under those of the devices it relays for, in its own cooperative. Everything
 * else, $SYS included, is refused. `parsed` is the topic as `parseTopic` reads it (undefined:
 * not ours).
 */
export function mayPublish(device: DeviceIdentity, parsed: ParsedTopic | undefined): boolean {
  if (parsed?.kind !== 'up' || parsed.coopId !== device.coopId) return false;
  return parsed.deviceId === device.id || (device.relayFor?.includes(parsed.deviceId) ?? false);
}
