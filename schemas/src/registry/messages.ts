import { z } from 'zod';
import { IdSchema } from '../topics/ids.js';

/**
 * A message's life in the outbox: `queued` (waiting for its time: quiet hours, the day's cap, a
 * retry), `sending` (handed to the gateway; written before the send), `sent` (the gateway
 * accepted it), `delivered` / `failed` (the receipt), `held` (never sent: no consent any more,
 * budget spent, or no channel; `error` says which).
 */
export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'held'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** What a message is for: a prescription to a farmer, or the answer to a farmer's reply. */
export const MESSAGE_PURPOSES = ['prescription', 'reply'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

export const OutboxMessageSchema = z
  .object({
    id: z.string(),
    coopId: IdSchema,
    farmerId: IdSchema,
    channel: z.enum(['sms', 'beidou']),
    /** E.164 for SMS, the card id for BeiDou. */
    to: z.string(),
    purpose: z.enum(MESSAGE_PURPOSES),
    fieldId: z.string().nullable(),
    prescriptionId: z.string().nullable(),
    /** The prescription's kind (`irrigation`, `nitrogen`), for a prescription message. */
    prescriptionKind: z.string().nullable(),
    /** One message per key: `prescription:{id}:{farmer}:{channel}`, `reply:{inbound id}`. */
    dedupeKey: z.string(),
    text: z.string(),
    language: z.string(),
    encoding: z.enum(['GSM-7', 'UCS-2', 'binary']),
    /** SMS segments billed (3GPP TS 23.040 concatenation), or 1 BeiDou short message. */
    segments: z.number().int().positive(),
    state: z.enum(MESSAGE_STATES),
    attempts: z.number().int().nonnegative(),
    /** Not sent before this time (quiet hours, the day's cap, a retry's backoff). */
    notBeforeMs: z.number().int(),
    createdMs: z.number().int(),
    sentMs: z.number().int().nullable(),
    deliveredMs: z.number().int().nullable(),
    gateway: z.string().nullable(),
    /** The gateway's ids for the parts (SMPP message_id per submit_sm; receipts name one). */
    gatewayIds: z.array(z.string()),
    error: z.string().nullable(),
    /** The binary form a BeiDou terminal receives (base64), for the `beidou` channel. */
    payloadBase64: z.string().optional(),
    /** When the farmer replied about this message's field (acknowledged), and reported it done. */
    acknowledgedMs: z.number().int().nullable().optional(),
    appliedMs: z.number().int().nullable().optional(),
  })
  .meta({ id: 'OutboxMessage', description: 'A message to a farmer, and how far it got.' });
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

/** A message a farmer (or an unknown number) sent in, and what came of it. */
export const InboundMessageSchema = z
  .object({
    id: z.string(),
    from: z.string(),
    text: z.string(),
    receivedMs: z.number().int(),
    /** The cooperative and farmer the number belongs to; null for an unknown number. */
    coopId: z.string().nullable(),
    farmerId: z.string().nullable(),
    /** The parsed command (`done`, `rain`, `stop`, ..., `unknown`). */
    command: z.string(),
    /** What was done with it, in words (for the agronomist and the manager). */
    outcome: z.string(),
  })
  .meta({ id: 'InboundMessage', description: 'A message a farmer sent in, and what came of it.' });
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
