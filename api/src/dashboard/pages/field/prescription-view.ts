import type {
  ComputationStep,
  Field,
  InboundMessage,
  Prescription,
  Principal,
} from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import {
  DELIVERY_ROLES,
  prescriptionDelivery,
  type PrescriptionDelivery,
} from '../../../routes/prescription-delivery.js';

/** One zone's share of a prescription: what to do there, and every step that led to it. */
export interface ZoneAdvice {
  zoneId: string;
  areaHa: number;
  /** `irrigate` / `fertilise` / `none` / `insufficient-data`, or the N zone's status. */
  action: string;
  /** Water to apply (gross depth, mm) or N (kg N/ha); null when the zone has no rate. */
  amount: number | null;
  unit: 'mm' | 'kg N/ha';
  summary: string;
  steps: ComputationStep[];
}

export interface PrescriptionView {
  prescription: Prescription;
  zones: ZoneAdvice[];
  /** Null for a principal who may not see deliveries (the delivery route's roles). */
  delivery: PrescriptionDelivery | null;
}

/**
 * Replies are read from the cooperative's newest few hundred (the registry's cap is 500) and
 * filtered to the field's farmer; the page lists the newest of those.
 */
const REPLIES_SCANNED = 500;
export const REPLIES_SHOWN = 20;

/** The zones of a prescription, whatever its kind; a prescription without zones is one zone. */
export function zoneAdvice(p: Prescription): ZoneAdvice[] {
  if (p.kind === 'nitrogen') {
    return p.zones.map((z) => ({
      zoneId: z.zoneId,
      areaHa: z.areaHa,
      action: z.status,
      amount: 'nKgHa' in z ? z.nKgHa : null,
      unit: 'kg N/ha',
      summary: 'summary' in z ? z.summary : z.reason,
      steps: 'steps' in z ? z.steps : [],
    }));
  }
  if (p.zones === undefined || p.zones.length === 0) {
    return [
      {
        zoneId: p.fieldId,
        areaHa: 0,
        action: p.action,
        amount: p.grossDepthMm,
        unit: 'mm',
        summary: p.summary,
        steps: p.steps,
      },
    ];
  }
  return p.zones.map((z) => ({
    zoneId: z.zoneId,
    areaHa: z.areaHa,
    action: z.action,
    amount: z.grossDepthMm,
    unit: 'mm',
    summary: z.summary,
    steps: z.steps,
  }));
}

/** Whether the principal may see deliveries and replies (the delivery route's roles). */
export const seesDelivery = (principal: Principal) => DELIVERY_ROLES.includes(principal.role);

/** The field's current prescription of each kind, with its zones and delivery. */
export async function currentPrescriptions(
  registry: Registry,
  field: Field,
  principal: Principal,
): Promise<PrescriptionView[]> {
  const latest = await registry.prescriptions.latestByKind(field.id);
  const all = [latest.irrigation, latest.nitrogen].filter(
    (p): p is Prescription => p !== undefined,
  );
  return Promise.all(
    all.map(async (prescription) => ({
      prescription,
      zones: zoneAdvice(prescription),
      delivery: seesDelivery(principal)
        ? await prescriptionDelivery(registry, field, prescription)
        : null,
    })),
  );
}

/** What the field's farmer sent in, newest first (their replies name no field: all of theirs). */
export async function farmerReplies(
  registry: Registry,
  field: Field,
  principal: Principal,
): Promise<InboundMessage[] | null> {
  if (!seesDelivery(principal)) return null;
  const replies = await registry.inbound.list({ coopId: field.coopId, limit: REPLIES_SCANNED });
  return replies.filter((r) => r.farmerId === field.farmerId).slice(0, REPLIES_SHOWN);
}
