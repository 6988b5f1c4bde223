import { z } from 'zod';
import { DEVICE_KINDS, DeviceSchema, IdSchema, ShambaError, type Device } from '@shamba/schemas';
import { newDeviceSecret, type Registry } from '@shamba/storage';

/** The provisioning form: what a technician types (ids in the registry's one id grammar). */
export const ProvisionFormSchema = z.object({
  id: IdSchema,
  kind: z.enum(DEVICE_KINDS),
  field: IdSchema,
  /** Empty: the device serves the whole field. */
  zone: z.union([z.literal(''), IdSchema]).default(''),
});
export type ProvisionForm = z.infer<typeof ProvisionFormSchema>;

/** A device just made, with the secret that exists nowhere else now: show it once, keep it never. */
export interface Provisioned {
  device: Device;
  username: string;
  password: string;
}

/**
 * The registry is read then written: two forms for one id sent at once must not both pass the
 * "no such device" check. One process serves the box, so a promise chain orders them.
 */
let queue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Registers a device of the cooperative as `shamba device add` does (the device's id is its MQTT
 * username; a new random secret, stored only as its digest), but never over an existing device:
 * the CLI's add rotates a secret, this form only creates. The field and zone must be the
 * cooperative's.
 */
export function provisionDevice(
  registry: Registry,
  coopId: string,
  form: ProvisionForm,
): Promise<Provisioned> {
  return oneAtATime(async () => {
    const field = await registry.fields.get(form.field);
    if (field === undefined || field.coopId !== coopId)
      throw new ShambaError('INVALID_REQUEST', `no field ${form.field} in this cooperative`);
    const zoneId = form.zone === '' ? null : form.zone;
    if (zoneId !== null && !(field.zones ?? []).some((zone) => zone.id === zoneId))
      throw new ShambaError('INVALID_REQUEST', `field ${field.id} has no zone ${zoneId}`);
    if ((await registry.devices.get(form.id)) !== undefined)
      throw new ShambaError('INVALID_REQUEST', `a device ${form.id} is already registered`, {
        details: { duplicate: true },
      });
    const device = DeviceSchema.parse({
      id: form.id,
      coopId,
      fieldId: field.id,
      zoneId,
      kind: form.kind,
    });
    const { secret, secretHash } = newDeviceSecret();
    await registry.devices.upsert({ ...device, secretHash });
    return { device, username: device.id, password: secret };
  });
}
