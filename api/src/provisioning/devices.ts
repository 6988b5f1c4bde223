import { DeviceSchema, ShambaError, type Device, type DeviceKind } from '@shamba/schemas';
import { newDeviceSecret, type DeviceRecord, type Registry } from '@shamba/storage';
import { oneAtATime } from './one-at-a-time.js';

/**
 * Device provisioning, one implementation for the API (`POST /v1/coops/{coopId}/devices`) and
 * the dashboard's form: the device's id is its MQTT username (and client id); its secret is 256
 * random bits shown once and stored only as a SHA-256 digest (storage's device-secret.ts).
 */

/** What provisions a device (ids in the registry's one id grammar, checked by the caller). */
export interface NewDevice {
  id: string;
  kind: DeviceKind;
  /** The field it stands in; null: the cooperative's (a weather station serving every field). */
  fieldId: string | null;
  /** The zone of that field it stands in; null: the whole field. */
  zoneId: string | null;
}

/** A device just made, with the secret that exists nowhere else now: show it once, keep it never. */
export interface Provisioned {
  device: Device;
  username: string;
  password: string;
  /** When it was disabled (a rotated secret does not enable a disabled device); null: enabled. */
  disabledMs: number | null;
}

/** A field (and zone) of the cooperative, or INVALID_REQUEST that does not say whose it is. */
async function checkPlace(registry: Registry, coopId: string, input: NewDevice) {
  if (input.fieldId === null) {
    if (input.zoneId !== null)
      throw new ShambaError('INVALID_REQUEST', 'a zone needs its field: give fieldId too');
    return;
  }
  const field = await registry.fields.get(input.fieldId);
  if (field === undefined || field.coopId !== coopId)
    throw new ShambaError('INVALID_REQUEST', `no field ${input.fieldId} in this cooperative`);
  if (input.zoneId !== null && !(field.zones ?? []).some((zone) => zone.id === input.zoneId))
    throw new ShambaError('INVALID_REQUEST', `field ${field.id} has no zone ${input.zoneId}`);
}

/**
 * Registers a new device of the cooperative with a new secret, never over an existing device
 * (CONFLICT, without saying whose: device ids are one namespace, the MQTT usernames). The field
 * and zone must be the cooperative's.
 */
export function provisionDevice(
  registry: Registry,
  coopId: string,
  input: NewDevice,
): Promise<Provisioned> {
  return oneAtATime(async () => {
    await checkPlace(registry, coopId, input);
    if ((await registry.devices.get(input.id)) !== undefined)
      throw new ShambaError('CONFLICT', `a device ${input.id} is already registered`);
    const device = DeviceSchema.parse({ ...input, coopId });
    const { secret, secretHash } = newDeviceSecret();
    await registry.devices.upsert({ ...device, secretHash });
    return { device, username: device.id, password: secret, disabledMs: null };
  });
}

/** The cooperative's device, or NOT_FOUND exactly as for one that does not exist. */
export async function ownDevice(
  registry: Registry,
  coopId: string,
  deviceId: string,
): Promise<DeviceRecord> {
  const device = await registry.devices.get(deviceId);
  if (device === undefined || device.coopId !== coopId)
    throw new ShambaError('NOT_FOUND', `no device ${deviceId} in cooperative ${coopId}`);
  return device;
}

/** A new secret for the cooperative's device; the old one is refused from now on. */
export function rotateDeviceSecret(
  registry: Registry,
  coopId: string,
  deviceId: string,
): Promise<Provisioned> {
  return oneAtATime(async () => {
    const device = await ownDevice(registry, coopId, deviceId);
    const { secret, secretHash } = newDeviceSecret();
    await registry.devices.upsert({ ...device, secretHash });
    return {
      device: DeviceSchema.parse(device),
      username: device.id,
      password: secret,
      disabledMs: device.disabledMs ?? null,
    };
  });
}

/**
 * Disables (at `atMs`) or enables the cooperative's device; disabling one already disabled keeps
 * when it was first disabled. The broker refuses a disabled device at CONNECT.
 */
export function setDeviceDisabled(
  registry: Registry,
  target: { coopId: string; deviceId: string },
  disabledMs: number | null,
): Promise<DeviceRecord> {
  return oneAtATime(async () => {
    const device = await ownDevice(registry, target.coopId, target.deviceId);
    const changed: DeviceRecord = {
      ...device,
      disabledMs: disabledMs === null ? null : (device.disabledMs ?? disabledMs),
    };
    await registry.devices.upsert(changed);
    return changed;
  });
}

/** The device as the API shows it: never its secret's digest (the schema strips it). */
export function deviceOf(record: Device & { disabledMs?: number | null }) {
  const { disabledMs } = record;
  return {
    ...DeviceSchema.parse(record),
    disabledAt: disabledMs == null ? null : new Date(disabledMs).toISOString(),
  };
}
