/**
 * The HTTP provider adapter of the SMS gateway port, in the shape of Africa's Talking's SMS API:
 * one POST per message, the provider's per-recipient status mapped to a SubmitResult or an
 * SmsSendError, and its delivery-report and inbound callbacks fed to the port's listeners
 * through `acceptDeliveryReport` / `acceptInbound` (the API mounts the routes).
 *
 * The API key goes in one header and nowhere else: not in logs, not in error messages (anything
 * the provider echoes back is scrubbed of it).
 */
import { ShambaError } from '@shamba/schemas';
import {
  SmsSendError,
  type DeliveryReceipt,
  type OutgoingSms,
  type SmsGateway,
  type SubmitResult,
} from '../sms-gateway.js';
import {
  handleDeliveryReport,
  handleInboundMessage,
  type CallbackForm,
  type ProviderInboundSms,
} from './callbacks.js';
import type { GatewayLogger } from './gateway-logger.js';
import { scrub, sendOnce, type ProviderRequest } from './send-request.js';
import {
  recipientFor,
  recipientOutcome,
  SendResponseSchema,
  sendForm,
  SEND_PATH,
} from './provider-api.js';

/**
 * The provider answers a send in well under a second; ten seconds bounds a hung connection so a
 * dispatcher's retry (with backoff) takes over instead of waiting on a dead socket.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** ITU-T E.164 §6: a `+`, the country code and at most 15 digits in all. */
const E164 = /^\+[1-9]\d{5,14}$/;

export interface HttpSmsGatewayOptions {
  /** e.g. https://api.africastalking.com (sandbox: https://api.sandbox.africastalking.com). */
  baseUrl: string;
  username: string;
  apiKey: string;
  /** Registered sender id or short code (`from`); the account's default when absent. */
  senderId?: string | undefined;
  logger: GatewayLogger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Stamps receipts (the provider's delivery report carries no time). */
  clock?: () => number;
}

/** The port's result plus what the provider charged ("KES 0.8000"), for the cost record. */
export interface HttpSubmitResult extends SubmitResult {
  cost: string | null;
}

export interface HttpSmsGateway extends SmsGateway {
  send(sms: OutgoingSms): Promise<HttpSubmitResult>;
  /** A delivery-report callback's form → the receipt it makes (null: still on its way). */
  acceptDeliveryReport(form: CallbackForm): DeliveryReceipt | null;
  /** An incoming-message callback's form → the inbound SMS. */
  acceptInbound(form: CallbackForm): ProviderInboundSms;
  [Symbol.asyncDispose](): Promise<void>;
}

export function createHttpSmsGateway(options: HttpSmsGatewayOptions): HttpSmsGateway {
  if (options.username === '' || options.apiKey === '') {
    throw new ShambaError('INVALID_CONFIG', 'HTTP SMS gateway: username and API key are required');
  }
  const { logger, apiKey } = options;
  const clock = options.clock ?? Date.now;
  const receiptListeners: ((receipt: DeliveryReceipt) => void)[] = [];
  const inboundListeners: ((sms: ProviderInboundSms) => void)[] = [];
  const inFlight = new Set<AbortController>();
  let closed = false;
  const request: ProviderRequest = {
    url: `${options.baseUrl.replace(/\/+$/, '')}${SEND_PATH}`,
    apiKey,
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    inFlight,
  };

  async function send(sms: OutgoingSms): Promise<HttpSubmitResult> {
    if (closed) throw new SmsSendError('HTTP SMS gateway is closed', true);
    // The provider reads `to` as a comma-separated list: anything but one number could fan out.
    if (!E164.test(sms.to)) {
      throw new SmsSendError(`not an E.164 number: ${JSON.stringify(sms.to)}`, false);
    }
    const form = sendForm({
      username: options.username,
      to: sms.to,
      message: sms.text,
      from: options.senderId,
    });
    try {
      const answer = await sendOnce(request, form);
      return submitResult(sms, answer);
    } catch (error) {
      if (error instanceof SmsSendError) {
        logger.warn(
          { messageId: sms.messageId, retryable: error.retryable, reason: error.message },
          'SMS provider did not take the message',
        );
      }
      throw error;
    }
  }

  function submitResult(sms: OutgoingSms, answer: unknown): HttpSubmitResult {
    const parsed = SendResponseSchema.safeParse(answer);
    if (!parsed.success) {
      throw new SmsSendError('SMS provider answered without SMSMessageData.Recipients', true);
    }
    const recipient = recipientFor(parsed.data, sms.to);
    if (recipient === undefined) {
      // No recipient entry: the provider took nothing and says why in Message (e.g. a bad sender id).
      const why = scrub(parsed.data.SMSMessageData.Message, apiKey);
      throw new SmsSendError(`SMS provider took no recipient: ${why}`, false);
    }
    const outcome = recipientOutcome(recipient);
    if (outcome.kind === 'refused') {
      throw new SmsSendError(
        `SMS provider refused ${sms.to}: ${outcome.reason}`,
        outcome.retryable,
      );
    }
    const { gatewayMessageId, segments, cost } = outcome;
    logger.info(
      { messageId: sms.messageId, gatewayMessageId, segments, cost },
      'SMS accepted by the provider',
    );
    return { gatewayMessageIds: [gatewayMessageId], segments, cost };
  }

  function emit<T>(listeners: ((value: T) => void)[], value: T, what: string): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        logger.error({ err: error, what }, 'SMS gateway listener failed');
      }
    }
  }

  function close(): Promise<void> {
    closed = true;
    for (const controller of inFlight) controller.abort('closed');
    return Promise.resolve();
  }

  return {
    name: 'http',
    send,
    onReceipt: (listener) => void receiptListeners.push(listener),
    onInbound: (listener) => void inboundListeners.push(listener),
    acceptDeliveryReport(form) {
      const receipt = handleDeliveryReport(form, clock);
      if (receipt !== null) emit(receiptListeners, receipt, 'receipt');
      return receipt;
    },
    acceptInbound(form) {
      const sms = handleInboundMessage(form, clock);
      emit(inboundListeners, sms, 'inbound');
      return sms;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
