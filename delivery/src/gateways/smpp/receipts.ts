// SMSC delivery receipts: deliver_sm with esm_class bits 5-2 = 0001 (SMPP v3.4 §5.2.12). Pure.
import type { DeliveryReceipt } from '../sms-gateway.js';

/** Final states of a message, by their receipt `stat:` words (SMPP v3.4 Appendix B, Table B-2). */
const FINAL_STAT: Record<string, DeliveryReceipt['state']> = {
  DELIVRD: 'delivered',
  UNDELIV: 'failed',
  REJECTD: 'failed',
  EXPIRED: 'failed',
  DELETED: 'failed',
};

/** message_state TLV values (SMPP v3.4 §5.2.28) that are final. ENROUTE, ACCEPTED, UNKNOWN are not. */
const FINAL_MESSAGE_STATE: Record<number, { stat: string; state: DeliveryReceipt['state'] }> = {
  2: { stat: 'DELIVRD', state: 'delivered' },
  3: { stat: 'EXPIRED', state: 'failed' },
  4: { stat: 'DELETED', state: 'failed' },
  5: { stat: 'UNDELIV', state: 'failed' },
  8: { stat: 'REJECTD', state: 'failed' },
};

export interface ReceiptInput {
  /** The short_message text, e.g. `id:7 sub:001 dlvrd:001 submit date:... stat:DELIVRD err:000`. */
  text: string;
  /** receipted_message_id TLV (SMPP v3.4 §5.3.2.12), preferred over the text's `id:`. */
  receiptedMessageId?: string | undefined;
  /** message_state TLV (SMPP v3.4 §5.3.2.35), preferred over the text's `stat:`. */
  messageState?: number | undefined;
  receivedAt: Date;
}

/** The receipt, or null when it is not final (ENROUTE, ACCEPTD) or names no message. */
export function parseReceipt(input: ReceiptInput): DeliveryReceipt | null {
  const fields = receiptFields(input.text);
  const gatewayMessageId = input.receiptedMessageId ?? fields.id;
  const fromTlv =
    input.messageState === undefined ? undefined : FINAL_MESSAGE_STATE[input.messageState];
  const stat = fromTlv?.stat ?? fields.stat?.toUpperCase();
  const state = fromTlv?.state ?? (stat === undefined ? undefined : FINAL_STAT[stat]);
  if (gatewayMessageId === undefined || gatewayMessageId === '' || state === undefined) {
    return null;
  }
  const at = parseReceiptDate(fields['done date']) ?? input.receivedAt;
  if (state === 'delivered') return { gatewayMessageId, state, at };
  const detail = [`stat:${stat}`, fields.err === undefined ? '' : `err:${fields.err}`]
    .filter((part) => part !== '')
    .join(' ');
  return { gatewayMessageId, state, at, detail };
}

const FIELD_NAMES = ['id', 'sub', 'dlvrd', 'submit date', 'done date', 'stat', 'err', 'text'];

/** Splits the Appendix B format into its named fields (names may contain a space). */
export function receiptFields(text: string): Partial<Record<string, string>> {
  const names = FIELD_NAMES.map((name) => name.replace(' ', '\\s')).join('|');
  const pattern = new RegExp(`(?:^|\\s)(${names}):(\\S*)`, 'gi');
  const fields: Partial<Record<string, string>> = {};
  for (const match of text.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase().replace(/\s/, ' ');
    if (fields[name] === undefined && name !== 'text') fields[name] = match[2] ?? '';
  }
  return fields;
}

/**
 * `YYMMDDhhmm` (Appendix B), often with seconds (`YYMMDDhhmmss`). The SMSC's time zone is not
 * sent; operators run their SMSCs on UTC in practice, so we read it as UTC.
 */
export function parseReceiptDate(value: string | undefined): Date | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(value ?? '');
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match
    .slice(1)
    .map((part) => Number(part ?? '0'));
  const at = new Date(
    Date.UTC(2000 + (year ?? 0), (month ?? 1) - 1, day, hour, minute, second ?? 0),
  );
  // Date.UTC rolls 13/32/25h over into the next unit; a real date reads back the same.
  const readsBack = at.getUTCMonth() + 1 === month && at.getUTCDate() === day;
  return readsBack && at.getUTCHours() === hour && at.getUTCMinutes() === minute ? at : undefined;
}

/** The Appendix B text, as SMSCs write it (the fake SMSC's receipts; `text:` left empty). */
export function formatReceiptText(receipt: {
  id: string;
  stat: string;
  err: string;
  submitDate: string;
  doneDate: string;
}): string {
  const dlvrd = receipt.stat === 'DELIVRD' ? '001' : '000';
  return (
    `id:${receipt.id} sub:001 dlvrd:${dlvrd} submit date:${receipt.submitDate} ` +
    `done date:${receipt.doneDate} stat:${receipt.stat} err:${receipt.err} text:`
  );
}
