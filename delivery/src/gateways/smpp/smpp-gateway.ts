// The SMS gateway port over SMPP 3.4 (bind_transceiver to the operator's SMSC).
import type { ConnectionOptions } from 'node:tls';
import type { DeliveryReceipt, InboundSms, OutgoingSms, SmsGateway } from '../sms-gateway.js';
import { SmsSendError } from '../sms-gateway.js';
import { destinationAddress, sourceAddress } from './address.js';
import type { SmppAddress } from './address.js';
import { createDeliverHandler } from './deliver.js';
import { createSmppLink } from './link.js';
import { createListeners } from './listeners.js';
import type { GatewayLogger } from './session.js';
import { submitWithRetry } from './submit.js';
import type { SubmitPart } from './submit-parts.js';
import { submitParts } from './submit-parts.js';
import { parseSmppUrl } from './url.js';
import { createRequestWindow } from './window.js';

export interface SmppGatewayOptions {
  /** smpp://SYSTEM_ID:PASSWORD@HOST:PORT, or smpps:// for TLS. */
  url: string;
  logger: GatewayLogger;
  /** The cooperative's sender id: +E.164, a short code, or up to 11 letters and digits. */
  sourceAddr: string;
  /** Outstanding submit_sm at once; 10 is a common SMSC default window per bind. */
  windowSize?: number;
  /** enquire_link period; 30 s stays under typical NAT and SMSC inactivity timeouts (60 s+). */
  enquireLinkMs?: number;
  /** Response timer for every request (SMPP v3.4 §7.2); SMSCs answer within seconds. */
  responseTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** How long a send made while the link is down waits for the re-bind before it rejects. */
  bindWaitMs?: number;
  /** Re-bind backoff after a drop, doubling from initialMs up to maxMs. */
  reconnect?: { initialMs?: number; maxMs?: number };
  /** ESME_RTHROTTLED / ESME_RMSGQFUL: attempts per part and the doubling delay between them. */
  throttle?: { attempts?: number; initialMs?: number; maxMs?: number };
  clock?: () => number;
  /** [0, 1) like Math.random; seeds the concatenation reference. */
  rng?: () => number;
  /** Extra TLS options for smpps:// (ca, servername, ...). */
  tls?: ConnectionOptions;
}

/** Binds to the SMSC (throws SmsSendError when the bind fails) and returns the gateway. */
export async function createSmppGateway(
  options: SmppGatewayOptions,
): Promise<SmsGateway & AsyncDisposable> {
  const endpoint = parseSmppUrl(options.url);
  const source = sourceAddress(options.sourceAddr);
  const clock = options.clock ?? Date.now;
  const { logger } = options;
  const onListenerError = (error: unknown) =>
    logger.error({ err: String(error) }, 'SMPP listener failed');
  const receipts = createListeners<DeliveryReceipt>(onListenerError);
  const inbound = createListeners<InboundSms>(onListenerError);
  const onDeliver = createDeliverHandler({
    clock,
    logger,
    onReceipt: (receipt) => receipts.emit(receipt) || logger.error(receipt, 'receipt dropped'),
    onInbound: (sms) => inbound.emit(sms) || logger.error({ from: sms.from }, 'inbound dropped'),
  });
  const link = await createSmppLink({
    endpoint,
    logger,
    tls: options.tls,
    enquireLinkMs: options.enquireLinkMs ?? 30_000,
    responseTimeoutMs: options.responseTimeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    bindWaitMs: options.bindWaitMs ?? 30_000,
    reconnect: {
      initialMs: options.reconnect?.initialMs ?? 1_000,
      maxMs: options.reconnect?.maxMs ?? 60_000,
    },
    onDeliver,
  });
  const window = createRequestWindow(options.windowSize ?? 10);
  const throttle = {
    attempts: options.throttle?.attempts ?? 5,
    initialMs: options.throttle?.initialMs ?? 1_000,
    maxMs: options.throttle?.maxMs ?? 16_000,
  };
  // The 8-bit concatenation reference (TS 23.040 §9.2.3.24.1): distinct for the last 256 long
  // messages to one phone is all a handset needs to keep their parts apart.
  let reference = Math.floor((options.rng ?? Math.random)() * 256);

  function prepare(sms: OutgoingSms): { destination: SmppAddress; parts: SubmitPart[] } {
    try {
      reference = (reference + 1) & 0xff;
      return { destination: destinationAddress(sms.to), parts: submitParts(sms.text, reference) };
    } catch (error) {
      throw new SmsSendError(`cannot send ${sms.messageId}: ${String(error)}`, false, {
        cause: error,
      });
    }
  }

  async function send(sms: OutgoingSms) {
    const { destination, parts } = prepare(sms);
    const gatewayMessageIds: string[] = [];
    // Parts go one after the other so the SMSC sees them in order; other messages use the
    // window meanwhile. A failure after some parts were accepted rejects the whole message.
    for (const part of parts) {
      const submit = { part, source, destination, throttle };
      gatewayMessageIds.push(await submitWithRetry(link, window, submit));
    }
    logger.debug({ messageId: sms.messageId, gatewayMessageIds }, 'SMPP submit_sm accepted');
    return { gatewayMessageIds, segments: parts.length };
  }

  const close = () => link.close();
  return {
    name: 'smpp',
    send,
    onReceipt: (listener) => receipts.add(listener),
    onInbound: (listener) => inbound.add(listener),
    close,
    [Symbol.asyncDispose]: close,
  };
}
