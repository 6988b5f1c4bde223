/**
 * The provider's two callbacks, as framework-free handlers: a form in, a port value out. The API
 * mounts them; bad input is ShambaError('INVALID_REQUEST') with the reason, never a crash.
 *
 * Source: Africa's Talking SMS docs, "SMS Notifications": delivery reports POST `id`, `status`,
 * `phoneNumber`, `networkCode`, `failureReason` (only for Rejected or Failed) and `retryCount`;
 * incoming messages POST `from`, `to`, `text`, `date`, `id`, `linkId`, form-encoded.
 */
import { ShambaError } from '@shamba/schemas';
import { z } from 'zod';
import type { DeliveryReceipt, InboundSms } from '../sms-gateway.js';

export type CallbackForm = URLSearchParams | Readonly<Record<string, string>>;

/**
 * Delivery statuses (AT "Delivery reports"): Success, Rejected and Failed are final; Sent,
 * Submitted and Buffered say the message is on its way and make no receipt.
 */
const FINAL_STATES = { Success: 'delivered', Failed: 'failed', Rejected: 'failed' } as const;
type FinalStatus = keyof typeof FINAL_STATES;
const DELIVERY_STATUSES = [
  'Success',
  'Failed',
  'Rejected',
  'Sent',
  'Submitted',
  'Buffered',
] as const;

/** A provider's message id is a short token (`ATXid_` + 32 hex); 100 bounds a hostile one. */
const MAX_ID_LENGTH = 100;
/**
 * Ten full GSM-7 segments (10 x 160): far beyond any reply a farmer types, and bounded so a
 * hostile callback cannot hand the reply parser a megabyte.
 */
export const MAX_INBOUND_TEXT_LENGTH = 1_600;
/** E.164: at most 15 digits (ITU-T E.164 §6); six is below any real subscriber number. */
const PHONE = /^\+?\d{6,15}$/;

const DeliveryReportSchema = z.object({
  id: z.string().trim().min(1).max(MAX_ID_LENGTH),
  status: z.enum(DELIVERY_STATUSES),
  phoneNumber: z.string().max(32).optional(),
  networkCode: z.string().max(16).optional(),
  failureReason: z.string().max(200).optional(),
  retryCount: z.coerce.number().int().min(0).optional(),
});

const InboundSchema = z.object({
  from: z
    .string()
    .transform((value) => value.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(PHONE, 'expected a phone number in E.164 (digits, optional +)')),
  /** Our short code or long number. */
  to: z.string().trim().min(1).max(32),
  text: z.string().max(MAX_INBOUND_TEXT_LENGTH),
  date: z.string().max(64).optional(),
  id: z.string().max(MAX_ID_LENGTH).optional(),
  linkId: z.string().max(MAX_ID_LENGTH).optional(),
  networkCode: z.string().max(16).optional(),
});

/** An inbound message with the provider's `linkId` too (its id is the port's providerMessageId). */
export interface ProviderInboundSms extends InboundSms {
  linkId?: string;
}

/**
 * A delivery report → the port's receipt; `null` for an intermediate status (Sent, Submitted,
 * Buffered), which moves nothing. The provider sends no time, so `at` is when it reached us.
 */
export function handleDeliveryReport(
  form: CallbackForm,
  clock: () => number = Date.now,
): DeliveryReceipt | null {
  const report = parseForm(DeliveryReportSchema, form, 'delivery report');
  if (!isFinal(report.status)) return null;
  const state = FINAL_STATES[report.status];
  const receipt: DeliveryReceipt = { gatewayMessageId: report.id, state, at: new Date(clock()) };
  if (state === 'failed') {
    receipt.detail =
      report.failureReason === undefined
        ? report.status
        : `${report.status}: ${report.failureReason}`;
  }
  return receipt;
}

/** An incoming-message callback → the port's inbound SMS (`from` in E.164 with its `+`). */
export function handleInboundMessage(
  form: CallbackForm,
  clock: () => number = Date.now,
): ProviderInboundSms {
  const message = parseForm(InboundSchema, form, 'inbound message');
  const from = message.from.startsWith('+') ? message.from : `+${message.from}`;
  const sms: ProviderInboundSms = {
    from,
    to: message.to,
    text: message.text,
    receivedAt: providerDate(message.date) ?? new Date(clock()),
  };
  if (message.id !== undefined && message.id !== '') sms.providerMessageId = message.id;
  if (message.linkId !== undefined && message.linkId !== '') sms.linkId = message.linkId;
  return sms;
}

function isFinal(status: string): status is FinalStatus {
  return Object.hasOwn(FINAL_STATES, status);
}

function parseForm<T extends z.ZodType>(schema: T, form: CallbackForm, what: string): z.output<T> {
  const fields = form instanceof URLSearchParams ? Object.fromEntries(form) : form;
  const parsed = schema.safeParse(fields);
  if (!parsed.success) {
    const reason = z.prettifyError(parsed.error).replaceAll('\n', ' ');
    throw new ShambaError('INVALID_REQUEST', `malformed ${what} callback: ${reason}`);
  }
  return parsed.data;
}

/**
 * The callback's `date`: ISO 8601, or `YYYY-MM-DD HH:MM:SS` (read as UTC when it names no
 * zone). A date that does not read gives way to the time of arrival: a farmer's reply is
 * never refused for its timestamp.
 */
function providerDate(value: string | undefined): Date | null {
  if (value === undefined || value.trim() === '') return null;
  const iso = value.trim().replace(' ', 'T');
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}
