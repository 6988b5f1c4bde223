import { z } from 'zod';
import { DEVICE_KINDS, IdSchema, isShambaError, ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { provisionDevice as provision, type Provisioned } from '../../../provisioning/devices.js';

export type { Provisioned } from '../../../provisioning/devices.js';

/** The provisioning form: what a technician types (ids in the registry's one id grammar). */
export const ProvisionFormSchema = z.object({
  id: IdSchema,
  kind: z.enum(DEVICE_KINDS),
  field: IdSchema,
  /** Empty: the device serves the whole field. */
  zone: z.union([z.literal(''), IdSchema]).default(''),
});
export type ProvisionForm = z.infer<typeof ProvisionFormSchema>;

/**
 * Registers a device of the cooperative from the form, as the API's `POST .../devices` does
 * (provisioning/devices.ts): only creates, never over an existing device, which the page is told
 * as INVALID_REQUEST with `details.duplicate`. The field and zone must be the cooperative's.
 */
export async function provisionDevice(
  registry: Registry,
  coopId: string,
  form: ProvisionForm,
): Promise<Provisioned> {
  try {
    return await provision(registry, coopId, {
      id: form.id,
      kind: form.kind,
      fieldId: form.field,
      zoneId: form.zone === '' ? null : form.zone,
    });
  } catch (error) {
    if (!isShambaError(error, 'CONFLICT')) throw error;
    throw new ShambaError('INVALID_REQUEST', error.message, { details: { duplicate: true } });
  }
}
