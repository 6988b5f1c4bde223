import type { Logger } from 'pino';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { SmsGateway } from './gateways/sms-gateway.js';
import { createReplyHandler, type ReplyHandler } from './inbound/reply-handler.js';
import { composeSmsNotice } from './notices/compose-notice.js';
import {
  createPrescriptionNotices,
  type ComposeNotice,
  type PrescriptionNotices,
} from './notices/prescription-notices.js';
import {
  createDispatcher,
  DEFAULT_LIMITS,
  type DispatchRun,
  type Dispatcher,
  type DispatcherLimits,
} from './outbox/dispatcher.js';
import type { RetryPolicy } from './outbox/retry-policy.js';

export interface DeliveryOptions {
  registry: Registry;
  store: TimeSeriesStore;
  logger: Logger;
  clock?: () => number;
  /** The SMS gateway; none: the outbox (messages are kept and shown, nothing is sent). */
  sms?: SmsGateway;
  /** The cooperative's BeiDou short-message terminal, for farmers on channel `beidou`. */
  beidou?: SmsGateway;
  /** How BeiDou messages are composed (default: the SMS text, which the terminal shows). */
  composeBeidou?: ComposeNotice;
  limits?: Partial<DispatcherLimits>;
  retry?: RetryPolicy;
  /** How often the outbox is sent (default 15 s). */
  intervalMs?: number;
  /** Makes a field's prescriptions again (after a DONE or RAIN reply). */
  recompute?: (fieldId: string, reason: string) => Promise<unknown>;
}

export interface DeliveryService extends AsyncDisposable {
  readonly notices: PrescriptionNotices;
  readonly dispatcher: Dispatcher;
  readonly replies: ReplyHandler;
  /** `outbox` when no SMS gateway is configured, else the gateway's name. */
  readonly gatewayName: string;
  readonly limits: DispatcherLimits;
  /**
   * Looks at every field's newest prescription of each kind and queues what is news: the
   * registry is the source, so a prescription stored just before a restart is not missed.
   */
  scanPrescriptions(): Promise<number>;
  /** Sends what is due (one run at a time; a second call waits for the first). */
  runOnce(): Promise<DispatchRun>;
  start(): void;
  close(): Promise<void>;
}

/**
 * The farmer's channel, both ways: prescriptions become outbox rows, the dispatcher sends them
 * through the gateways, receipts move them on, and replies are read and acted on.
 */
export async function createDeliveryService(options: DeliveryOptions): Promise<DeliveryService> {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  // A process that stopped mid-send left its message `sending`: it goes out again, once.
  const requeued = await registry.messages.requeueSending();
  if (requeued > 0) logger.info({ requeued }, 'messages left mid-send requeued');
  const sms = composeSmsNotice(registry, clock);
  const notices = createPrescriptionNotices({
    registry,
    logger,
    clock,
    compose: (input) =>
      input.channel === 'beidou' && options.composeBeidou !== undefined
        ? options.composeBeidou(input)
        : sms(input),
  });
  const gateways = {
    ...(options.sms === undefined ? {} : { sms: options.sms }),
    ...(options.beidou === undefined ? {} : { beidou: options.beidou }),
  };
  const dispatcher = createDispatcher({
    registry,
    gateways,
    logger,
    clock,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const replies = createReplyHandler({
    registry,
    store: options.store,
    logger,
    clock,
    ...(options.recompute === undefined ? {} : { recompute: options.recompute }),
    ...(options.sms === undefined
      ? {}
      : {
          answerUnknown: async (to, text) => {
            await options.sms!.send({ messageId: `unknown-${clock()}`, to, text });
          },
        }),
  });
  // The newest prescription noticed per field and kind: an unchanged one is not looked at again.
  const noticed = new Map<string, string>();
  async function scanPrescriptions(): Promise<number> {
    let queued = 0;
    for (const coop of await registry.coops.list()) {
      for (const field of await registry.fields.list({ coopId: coop.id })) {
        const latest = Object.values(await registry.prescriptions.latestByKind(field.id));
        const fresh = latest.filter((p) => noticed.get(`${field.id}/${p.kind}`) !== p.id);
        if (fresh.length === 0) continue;
        queued += (await notices.notice(fresh)).length;
        for (const p of fresh) noticed.set(`${field.id}/${p.kind}`, p.id);
      }
    }
    return queued;
  }
  let running: Promise<DispatchRun> | undefined;
  const runOnce = (): Promise<DispatchRun> => {
    const previous = running ?? Promise.resolve(undefined);
    const next = previous.then(() => dispatcher.runOnce());
    running = next.catch(() => ({ sent: 0, deferred: 0, held: 0, failed: 0 }));
    return next;
  };
  for (const gateway of Object.values(gateways)) {
    gateway.onReceipt((receipt) => {
      dispatcher.onReceipt(receipt).catch((error: unknown) => {
        logger.error({ err: error }, 'delivery receipt failed');
      });
    });
    gateway.onInbound((message) => {
      replies
        .handle(message)
        .then(() => runOnce())
        .catch((error: unknown) => logger.error({ err: error }, 'reply handling failed'));
    });
  }
  let timer: NodeJS.Timeout | undefined;
  const close = async () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    // The gateways first: a run waiting on a link that is down ends now, not after its timeouts.
    for (const gateway of Object.values(gateways)) await gateway.close();
    await running;
  };
  return {
    notices,
    dispatcher,
    replies,
    gatewayName: options.sms?.name ?? 'outbox',
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    scanPrescriptions,
    runOnce,
    start() {
      if (timer !== undefined) return;
      const tick = () => {
        scanPrescriptions()
          .then(() => runOnce())
          .catch((error: unknown) => logger.error({ err: error }, 'outbox run failed'));
      };
      timer = setInterval(tick, options.intervalMs ?? 15_000);
      timer.unref();
      tick();
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
