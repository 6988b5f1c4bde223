import type { Logger } from 'pino';
import type { OutboxMessage } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { farmerContact } from '../farmers/contact.js';
import {
  SmsSendError,
  type DeliveryReceipt,
  type SmsGateway,
  type SubmitResult,
} from '../gateways/sms-gateway.js';
import { endOfQuietHours, startOfLocalDay, startOfLocalMonth } from './quiet-hours.js';
import { retryDelayMs, type RetryPolicy, DEFAULT_RETRY } from './retry-policy.js';

const DAY_MS = 86_400_000;
/**
 * Advice older than two days is not sent (a gateway configured after weeks on the outbox alone,
 * an outage): a newer prescription has taken its place, and its dates are past.
 */
const MAX_AGE_MS = 2 * DAY_MS;

export interface DispatcherLimits {
  /** Prescription messages a farmer gets in a local day at most (default 3); more wait a day. */
  perFarmerPerDay: number;
  /** SMS segments a cooperative may spend in a calendar month (default: no limit). */
  segmentsPerMonth: number;
}

export const DEFAULT_LIMITS: DispatcherLimits = {
  perFarmerPerDay: 3,
  segmentsPerMonth: Number.POSITIVE_INFINITY,
};

export interface DispatcherOptions {
  registry: Registry;
  /** The gateway per channel; a channel without one keeps its messages queued (the outbox). */
  gateways: Partial<Record<OutboxMessage['channel'], SmsGateway>>;
  logger: Logger;
  clock?: () => number;
  limits?: Partial<DispatcherLimits>;
  retry?: RetryPolicy;
  /** Messages looked at per run. */
  batch?: number;
}

export interface DispatchRun {
  sent: number;
  deferred: number;
  held: number;
  failed: number;
}

export interface Dispatcher {
  /** Sends what is due now, one message at a time, in the order it became due. */
  runOnce(): Promise<DispatchRun>;
  /** Moves a message on a receipt (delivered or failed); false when no message has its id. */
  onReceipt(receipt: DeliveryReceipt): Promise<boolean>;
}

/**
 * Sends the outbox. Each message is marked `sending` before it is handed over, so a process that
 * stops mid-send finds it on restart (requeueSending) instead of losing or repeating it blindly.
 * Consent is checked again at send time: a STOP that came after the message was queued holds it.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const retry = options.retry ?? DEFAULT_RETRY;
  const spent = new Set<string>();
  const zones = new Map<string, string>();

  const timeZoneOf = async (coopId: string) => {
    let zone = zones.get(coopId);
    if (zone === undefined) {
      zone = (await registry.coops.get(coopId))?.timezone ?? 'UTC';
      zones.set(coopId, zone);
    }
    return zone;
  };

  /**
   * When the message may go: now, or a later time (quiet hours, the day's cap); a string: never,
   * and why (the message is held).
   */
  async function release(m: OutboxMessage, nowMs: number): Promise<number | string> {
    const farmer = await registry.farmers.get(m.farmerId);
    if (farmer === undefined) return 'the farmer no longer exists';
    const contact = farmerContact(farmer);
    if (m.purpose === 'prescription') {
      if (!contact.consented) return 'no consent (the farmer opted out)';
      // A number given to someone else, or a farmer moved to another channel: not to the old one.
      if (contact.channel !== m.channel || contact.address !== m.to)
        return 'the farmer’s channel or number changed since it was queued';
      if (nowMs - m.createdMs > MAX_AGE_MS) return 'out of date: queued more than 48 hours ago';
    }
    const timeZone = await timeZoneOf(m.coopId);
    const month = await registry.messages.usage({
      coopId: m.coopId,
      sinceMs: startOfLocalMonth(nowMs, timeZone),
    });
    if (month.segments + m.segments > limits.segmentsPerMonth) {
      if (!spent.has(m.coopId)) logger.warn({ coopId: m.coopId }, 'monthly SMS budget spent');
      spent.add(m.coopId);
      return `monthly budget of ${limits.segmentsPerMonth} segments spent`;
    }
    // Answers to a farmer's own message go at once: the farmer is awake and waiting.
    if (m.purpose === 'reply') return nowMs;
    const quietEnd = endOfQuietHours({ nowMs, quietHours: contact.quietHours, timeZone });
    if (quietEnd > nowMs) return quietEnd;
    const dayStart = startOfLocalDay(nowMs, timeZone);
    const today = await registry.messages.usage({
      coopId: m.coopId,
      farmerId: m.farmerId,
      purpose: 'prescription',
      sinceMs: dayStart,
    });
    if (today.messages >= limits.perFarmerPerDay) {
      return endOfQuietHours({
        nowMs: dayStart + DAY_MS,
        quietHours: contact.quietHours,
        timeZone,
      });
    }
    return nowMs;
  }

  async function send(m: OutboxMessage, gateway: SmsGateway, nowMs: number) {
    const attempts = m.attempts + 1;
    await registry.messages.update(m.id, { state: 'sending', attempts, sentMs: nowMs });
    let result: SubmitResult;
    try {
      result = await gateway.send({
        messageId: m.id,
        to: m.to,
        text: m.text,
        ...(m.payloadBase64 === undefined
          ? {}
          : { binary: new Uint8Array(Buffer.from(m.payloadBase64, 'base64')) }),
      });
    } catch (error) {
      const retryable = !(error instanceof SmsSendError) || error.retryable;
      const reason = error instanceof Error ? error.message : String(error);
      if (retryable && attempts < retry.maxAttempts) {
        await registry.messages.update(m.id, {
          state: 'queued',
          sentMs: null,
          notBeforeMs: nowMs + retryDelayMs(retry, attempts),
          error: reason,
        });
        return 'deferred' as const;
      }
      logger.warn({ messageId: m.id, err: error }, 'message failed');
      await registry.messages.update(m.id, {
        state: 'failed',
        gateway: gateway.name,
        error: reason,
      });
      return 'failed' as const;
    }
    // Outside the try: a failure to record an accepted send must not send it again.
    await registry.messages.update(m.id, {
      state: 'sent',
      gateway: gateway.name,
      gatewayIds: result.gatewayMessageIds,
      error: null,
    });
    return 'sent' as const;
  }

  return {
    async runOnce() {
      const run: DispatchRun = { sent: 0, deferred: 0, held: 0, failed: 0 };
      const nowMs = clock();
      const channels = Object.keys(options.gateways);
      const due = await registry.messages.due({ nowMs, limit: options.batch ?? 50, channels });
      const paused = new Set<string>();
      for (const m of due) {
        const gateway = options.gateways[m.channel];
        if (gateway === undefined || paused.has(m.channel)) continue;
        const when = await release(m, nowMs);
        if (typeof when === 'string') {
          await registry.messages.update(m.id, { state: 'held', error: when });
          run.held += 1;
        } else if (when > nowMs) {
          await registry.messages.update(m.id, { notBeforeMs: when });
          run.deferred += 1;
        } else {
          const outcome = await send(m, gateway, clock());
          run[outcome] += 1;
          // Refused for now (link down, throttled, a BeiDou card's interval): the channel's other
          // messages wait for the next run rather than each waiting out the same outage in
          // turn; the other channels go on.
          if (outcome === 'deferred') paused.add(m.channel);
        }
      }
      return run;
    },
    async onReceipt(receipt) {
      const m = await registry.messages.byGatewayId(receipt.gatewayMessageId);
      if (m === undefined) return false;
      // A long message's parts each get a receipt: one failed part fails the message.
      if (m.state === 'failed') return true;
      if (receipt.state === 'failed') {
        await registry.messages.update(m.id, {
          state: 'failed',
          error: `not delivered: ${receipt.detail ?? 'the network gave no reason'}`,
        });
      } else if (m.state !== 'delivered') {
        await registry.messages.update(m.id, {
          state: 'delivered',
          deliveredMs: receipt.at.getTime(),
        });
      }
      return true;
    },
  };
}
