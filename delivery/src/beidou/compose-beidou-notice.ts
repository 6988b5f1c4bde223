import { encodeFarmerAdvice, type FarmerAdvice } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { fieldNumber } from '../farmers/farmer-fields.js';
import type { ComposeNotice } from '../notices/prescription-notices.js';
import { adviceFromPrescription } from './advice.js';

/**
 * The BeiDou short message a prescription becomes: the farmer advice, encoded (19 bytes, one
 * BDS-3 global short message of 70), as the outbox row's payload. The row's text is a short
 * English rendering of the same advice for the manager's outbox view; the farmer's terminal
 * shows the decoded advice, not this text. One message, whatever the advice: `segments` 1.
 */
export function composeBeidouNotice(registry: Registry): ComposeNotice {
  return async ({ prescription, field }) => {
    const coop = await registry.coops.get(field.coopId);
    const advice = adviceFromPrescription({
      prescription,
      fieldNumber: await fieldNumber(registry, field),
      timeZone: coop?.timezone ?? 'UTC',
    });
    return {
      text: adviceSummary(advice, field.name),
      language: 'en',
      encoding: 'binary',
      segments: 1,
      payloadBase64: toBase64(encodeFarmerAdvice(advice)),
    };
  };
}

/** `Field 2 Upper maize: irrigate 25 mm (45 pump-minutes) by 2026-12-04 [v7 #1A2B3C4D]`. */
export function adviceSummary(advice: FarmerAdvice, fieldName: string): string {
  const what =
    advice.kind === 'irrigation'
      ? advice.decision === 'irrigate'
        ? `irrigate ${advice.amountMm} mm`
        : advice.decision
      : advice.decision === 'fertilise'
        ? `fertilise ${advice.nKgHa} kg N/ha${advice.product === null ? '' : ` ${advice.product}`}`
        : advice.decision;
  const supply = advice.supply === null ? '' : ` (${advice.supply.amount} ${advice.supply.unit})`;
  const due = advice.dueDate === null ? '' : ` by ${advice.dueDate}`;
  const ref = advice.prescriptionRef.toString(16).toUpperCase().padStart(8, '0');
  return `Field ${advice.fieldNumber} ${fieldName}: ${what}${supply}${due} [v${advice.revision} #${ref}]`;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
