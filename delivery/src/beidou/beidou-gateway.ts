import type { Logger } from 'pino';
import { formatTxa, parseFki } from '@shamba/schemas';
import {
  SmsSendError,
  type DeliveryReceipt,
  type InboundSms,
  type SmsGateway,
} from '../gateways/sms-gateway.js';

/** The serial line to the cooperative's BeiDou terminal: one sentence out, its answer back. */
export interface BeidouSerial {
  /** Writes one host sentence ($CCTXA) and resolves with the terminal's answer ($BDFKI). */
  write(line: string): Promise<string>;
}

export interface BeidouGatewayOptions {
  serial: BeidouSerial;
  logger: Logger;
  /** For the time a busy card frees up, in the error a retry reads (default Date.now). */
  clock?: () => number;
}

/** One BDS-3 global short message: 560 bits (BDS-SIS-ICD-SMS); the card refuses more. */
const MAX_PAYLOAD_BYTES = 70;
/** A BeiDou card id: 1-10 digits (FarmerSchema's beidouCardId). */
const CARD_ID = /^\d{1,10}$/;

/**
 * The cooperative's BeiDou short-message terminal as a gateway: each message is one $CCTXA
 * (code, i.e. hex, content) to the farmer's card, and the $BDFKI feedback says whether the card
 * sent it. A card sends one message per service interval (civil cards: 60 s): a send inside it
 * is refused by the terminal, so the outbox keeps the message and tries again later (retryable).
 *
 * No receipts and no inbound here: RDSS delivery receipts and a farmer's replies ($BDTXR from
 * the farmer's card) are not part of this terminal's protocol subset, so a BeiDou message stays
 * `sent`. The listeners are kept so the service can register them like any gateway's.
 */
export function createBeidouGateway(options: BeidouGatewayOptions): SmsGateway {
  const { serial, logger } = options;
  const clock = options.clock ?? Date.now;
  const receiptListeners: ((receipt: DeliveryReceipt) => void)[] = [];
  const inboundListeners: ((sms: InboundSms) => void)[] = [];
  let closed = false;

  return {
    name: 'beidou',
    async send(sms) {
      if (closed) throw new SmsSendError('BeiDou gateway closed', true);
      const payload = checkedPayload(sms);
      const line = formatTxa({ toCard: sms.to, payload });
      let answer: string;
      try {
        answer = await serial.write(line);
      } catch (error) {
        throw new SmsSendError(`BeiDou terminal unreachable: ${messageOf(error)}`, true, {
          cause: error,
        });
      }
      const feedback = readFeedback(answer);
      if (feedback.done) {
        logger.info({ messageId: sms.messageId, card: sms.to }, 'BeiDou short message sent');
        return { gatewayMessageIds: [`bd-${sms.messageId}`], segments: 1 };
      }
      const nextAt = new Date(clock() + feedback.waitS * 1000).toISOString();
      const why = feedback.rateOk
        ? 'the terminal did not send it'
        : "the card's service interval has not passed";
      throw new SmsSendError(`BeiDou: ${why}; wait ${feedback.waitS} s (until ${nextAt})`, true);
    },
    onReceipt: (listener) => void receiptListeners.push(listener),
    onInbound: (listener) => void inboundListeners.push(listener),
    async close() {
      closed = true;
      receiptListeners.length = 0;
      inboundListeners.length = 0;
    },
  };
}

/** What can never be sent, refused for good: a retry would send the same bytes again. */
function checkedPayload(sms: { to: string; binary?: Uint8Array }): Uint8Array {
  if (sms.binary === undefined)
    throw new SmsSendError('BeiDou: the message has no binary payload to send', false);
  if (!CARD_ID.test(sms.to))
    throw new SmsSendError(`BeiDou: "${sms.to}" is not a card id (1-10 digits)`, false);
  if (sms.binary.length === 0 || sms.binary.length > MAX_PAYLOAD_BYTES)
    throw new SmsSendError(
      `BeiDou: ${sms.binary.length} bytes; one short message holds 1-${MAX_PAYLOAD_BYTES}`,
      false,
    );
  return sms.binary;
}

/**
 * The terminal's answer. One that cannot be read (noise on the line) is retried: the advice
 * carries its prescription reference, so a farmer shown it twice sees the same version twice.
 */
function readFeedback(answer: string) {
  try {
    return parseFki(answer.trim());
  } catch (error) {
    throw new SmsSendError(
      `BeiDou terminal answered "${answer.trim()}": ${messageOf(error)}`,
      true,
      {
        cause: error,
      },
    );
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
