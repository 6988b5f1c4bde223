import { deliveryStatus, type DeliveryStatus } from '@shamba/delivery';
import {
  ShambaError,
  type Field,
  type OutboxMessage,
  type Prescription,
  type Role,
} from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { STAFF_ROLES } from '../auth/tenancy.js';

/** Who may see a prescription's delivery: the cooperative's staff and the field's farmer. */
export const DELIVERY_ROLES: readonly Role[] = [...STAFF_ROLES, 'farmer'];

/**
 * A prescription's way to the farmer, as `GET /v1/fields/{id}/prescriptions/{pid}/delivery`
 * answers it and the field page shows it: the furthest status its messages reached, and each.
 */
export interface PrescriptionDelivery {
  prescriptionId: string;
  status: DeliveryStatus;
  messages: (Pick<
    OutboxMessage,
    'id' | 'farmerId' | 'channel' | 'state' | 'segments' | 'sentMs' | 'deliveredMs' | 'error'
  > & { acknowledgedMs: number | null; appliedMs: number | null })[];
}

/**
 * The delivery of `prescription` of `field` (the caller has checked the field is visible), from
 * the messages the cooperative's outbox holds for it. A prescription of another field is
 * NOT_FOUND, as one that does not exist.
 */
export async function prescriptionDelivery(
  registry: Registry,
  field: Field,
  prescription: Prescription,
): Promise<PrescriptionDelivery> {
  if (prescription.fieldId !== field.id)
    throw new ShambaError('NOT_FOUND', `no prescription ${prescription.id}`);
  const messages = await registry.messages.list({
    coopId: field.coopId,
    prescriptionId: prescription.id,
  });
  return {
    prescriptionId: prescription.id,
    status: deliveryStatus(messages),
    messages: messages.map((m) => ({
      id: m.id,
      farmerId: m.farmerId,
      channel: m.channel,
      state: m.state,
      segments: m.segments,
      sentMs: m.sentMs,
      deliveredMs: m.deliveredMs,
      acknowledgedMs: m.acknowledgedMs ?? null,
      appliedMs: m.appliedMs ?? null,
      error: m.error,
    })),
  };
}
