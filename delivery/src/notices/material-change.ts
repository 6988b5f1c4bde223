import type { Prescription } from '@shamba/schemas';

/**
 * An amount more than this far from the one the farmer last got is news (the 10 %): a
 * smaller change is within what a farmer can measure with a can or a pump's minutes.
 */
export const MATERIAL_CHANGE_FRACTION = 0.1;

/** What a farmer acts on: the decision and its amount (mm gross, or kg N/ha). */
export interface Advice {
  decision: string;
  amount: number;
}

export function adviceOf(p: Prescription): Advice {
  return p.kind === 'irrigation'
    ? { decision: p.action, amount: p.grossDepthMm }
    : { decision: p.action, amount: p.nKgHa };
}

/** Whether a prescription tells the farmer to do something (water, fertilise). */
export function isActionable(p: Prescription): boolean {
  return p.action === 'irrigate' || p.action === 'fertilise';
}

/**
 * Whether `next` is worth a message, given the prescription the farmer last got for the field
 * and kind (none yet: only advice to act is; "no need to water" is not news on its own). A
 * prescription the system cannot make (`insufficient-data`) is for the agronomist, never sent.
 */
export function isNews(next: Prescription, lastSent: Prescription | undefined): boolean {
  if (next.action === 'insufficient-data') return false;
  if (lastSent === undefined) return isActionable(next);
  const a = adviceOf(lastSent);
  const b = adviceOf(next);
  if (a.decision !== b.decision) return true;
  const scale = Math.max(Math.abs(a.amount), Math.abs(b.amount));
  return scale > 0 && Math.abs(a.amount - b.amount) > MATERIAL_CHANGE_FRACTION * scale;
}
