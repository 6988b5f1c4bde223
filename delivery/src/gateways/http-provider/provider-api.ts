/**
 * Africa's Talking's SMS API, the parts the adapter speaks: the send request's form fields and
 * the JSON answer's per-recipient statuses. Pure: no IO, no node:*.
 *
 * Source: Africa's Talking SMS API docs, "Send SMS" (POST /version1/messaging, form-encoded
 * `username`, `to`, `message`, `from`; header `apiKey`; answer `SMSMessageData.Recipients[]`
 * with `statusCode`, `status`, `messageId`, `cost`, `number`, `messageParts`) and its
 * per-recipient status code table.
 */
import { z } from 'zod';

/** The path of the send endpoint under the API's base URL (api.africastalking.com). */
export const SEND_PATH = '/version1/messaging';

/**
 * The per-recipient status codes (AT SMS docs, "statusCode" table). 1xx: the provider took the
 * message; 4xx: it refused this recipient; 5xx: something failed on its side or upstream.
 */
export const AT_STATUS_NAMES: Readonly<Record<number, string>> = {
  100: 'Processed',
  101: 'Sent',
  102: 'Queued',
  401: 'RiskHold',
  402: 'InvalidSenderId',
  403: 'InvalidPhoneNumber',
  404: 'UnsupportedNumberType',
  405: 'InsufficientBalance',
  406: 'UserInBlacklist',
  407: 'CouldNotRoute',
  409: 'DoNotDisturbRejection',
  500: 'InternalServerError',
  501: 'GatewayError',
  502: 'RejectedByGateway',
};

/**
 * Refusals that may pass if the same message is sent later. InsufficientBalance: the account
 * is topped up and the message goes (a refusal per recipient, not a fault of the message).
 */
const RETRYABLE_REFUSALS: ReadonlySet<number> = new Set([405]);

export const RecipientSchema = z.object({
  statusCode: z.coerce.number().int(),
  status: z.string(),
  /** "None" when the recipient was refused. */
  messageId: z.string(),
  /** e.g. "KES 0.8000"; "0" when refused. */
  cost: z.string().optional(),
  number: z.string(),
  /** Parts the provider split the message into (absent in older answers: one). */
  messageParts: z.coerce.number().int().positive().optional(),
});
export type Recipient = z.infer<typeof RecipientSchema>;

export const SendResponseSchema = z.object({
  SMSMessageData: z.object({
    /** e.g. "Sent to 1/1 Total Cost: KES 0.8000", or the reason when no recipient was taken. */
    Message: z.string(),
    Recipients: z.array(RecipientSchema),
  }),
});
export type SendResponse = z.infer<typeof SendResponseSchema>;

/** What one recipient's status means for the message. */
export type RecipientOutcome =
  | { kind: 'accepted'; gatewayMessageId: string; segments: number; cost: string | null }
  | { kind: 'refused'; retryable: boolean; reason: string };

/** The send request's form body (AT SMS docs, "Request parameters"). */
export function sendForm(request: {
  username: string;
  to: string;
  message: string;
  from?: string | undefined;
}): URLSearchParams {
  const form = new URLSearchParams({
    username: request.username,
    to: request.to,
    message: request.message,
  });
  if (request.from !== undefined) form.set('from', request.from);
  return form;
}

export function statusName(statusCode: number): string {
  return AT_STATUS_NAMES[statusCode] ?? `status ${statusCode}`;
}

/** Maps one recipient's status: 1xx accepted, 4xx refused for good (but 405), 5xx retryable. */
export function recipientOutcome(recipient: Recipient): RecipientOutcome {
  const code = recipient.statusCode;
  if (code >= 100 && code < 200) {
    return {
      kind: 'accepted',
      gatewayMessageId: recipient.messageId,
      segments: recipient.messageParts ?? 1,
      cost: recipient.cost ?? null,
    };
  }
  const reason = `${recipient.status || statusName(code)} (${code})`;
  const retryable = RETRYABLE_REFUSALS.has(code) || !(code >= 400 && code < 500);
  return { kind: 'refused', retryable, reason };
}

/** The recipient entry for `to` (the provider may drop the `+`), or the only one there is. */
export function recipientFor(response: SendResponse, to: string): Recipient | undefined {
  const recipients = response.SMSMessageData.Recipients;
  const digits = (phone: string) => phone.replace(/^\+/, '');
  return (
    recipients.find((recipient) => digits(recipient.number) === digits(to)) ??
    (recipients.length === 1 ? recipients[0] : undefined)
  );
}
