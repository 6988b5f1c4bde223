/**
 * The SMS gateway port. Adapters: the outbox (the embedded default: nothing leaves the box),
 * SMPP 3.4 (an operator's SMSC) and an HTTP provider (Africa's Talking's API shape).
 */

/** One message to one phone, as the dispatcher hands it over (already counted and shortened). */
export interface OutgoingSms {
  /** Our outbox id; adapters put it where the peer echoes it back when they can. */
  messageId: string;
  /** E.164. */
  to: string;
  text: string;
  /** The binary form, for a channel that carries one (a BeiDou short message); SMS ignores it. */
  binary?: Uint8Array;
}

/** What the gateway accepted: its own ids (one per part for SMPP) and the parts it sent. */
export interface SubmitResult {
  gatewayMessageIds: string[];
  segments: number;
}

/** A delivery receipt (SMPP deliver_sm with esm_class 0x04, or the provider's callback). */
export interface DeliveryReceipt {
  gatewayMessageId: string;
  state: 'delivered' | 'failed';
  at: Date;
  /** The peer's own words for a failure (SMPP `err:`/`stat:`, the provider's failureReason). */
  detail?: string;
}

/** A message a farmer sent to the cooperative's number. */
export interface InboundSms {
  /** E.164 (adapters add the `+` when the peer leaves it out). */
  from: string;
  to: string;
  text: string;
  receivedAt: Date;
  /** The peer's id for the message, where it gives one (a provider's retried callback repeats it). */
  providerMessageId?: string;
}

/**
 * A send the peer refused. `retryable` says whether sending the same message later may work
 * (throttled, queue full, link down) or never will (invalid number, bad credentials).
 */
export class SmsSendError extends Error {
  override readonly name = 'SmsSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SmsGateway {
  /** `outbox`, `smpp`, `http` (logs and the messages' `gateway` column). */
  readonly name: string;
  /** Sends one message; throws SmsSendError when the peer refuses it. */
  send(sms: OutgoingSms): Promise<SubmitResult>;
  onReceipt(listener: (receipt: DeliveryReceipt) => void): void;
  onInbound(listener: (sms: InboundSms) => void): void;
  close(): Promise<void>;
}
