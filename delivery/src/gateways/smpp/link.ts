// The bound SMPP link: connect, bind_transceiver, enquire_link, answer the SMSC's requests,
// and re-bind with backoff after a drop. Sends wait (bounded) while the link is down.
import type { ConnectionOptions } from 'node:tls';
import { SmsSendError } from '../sms-gateway.js';
import { readShortMessage } from './raw-frames.js';
import { bindTransceiver, DELIVER_SM_ID, openSession, request } from './session.js';
import type { GatewayLogger, OpenSession } from './session.js';
import type { SmppPdu, SmppSession } from './smpp-lib.js';
import { describeEndpoint } from './url.js';
import type { SmppEndpoint } from './url.js';

export interface SmppLinkOptions {
  endpoint: SmppEndpoint;
  logger: GatewayLogger;
  tls?: ConnectionOptions | undefined;
  enquireLinkMs: number;
  responseTimeoutMs: number;
  connectTimeoutMs: number;
  /** How long a request issued while the link is down waits for the re-bind. */
  bindWaitMs: number;
  reconnect: { initialMs: number; maxMs: number };
  /** Called for every deliver_sm with its raw short_message; the link answers deliver_sm_resp. */
  onDeliver(pdu: SmppPdu, shortMessage: Uint8Array): void;
}

export interface SmppLink {
  /** Sends a request on the bound link; rejects with a retryable SmsSendError when it cannot. */
  request(command: string, fields: Record<string, unknown>): Promise<SmppPdu>;
  close(): Promise<void>;
}

type Waiter = { resolve: (session: SmppSession) => void; reject: (error: Error) => void };

/** Binds once (throws when that fails), then keeps the link bound until close(). */
export async function createSmppLink(options: SmppLinkOptions): Promise<SmppLink> {
  const { logger, endpoint } = options;
  const where = describeEndpoint(endpoint);
  let current: OpenSession | undefined;
  let closed = false;
  let backoffMs = options.reconnect.initialMs;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let enquireTimer: NodeJS.Timeout | undefined;
  const waiters = new Set<Waiter>();

  async function connectAndBind(): Promise<void> {
    const opened = await openSession({
      endpoint,
      timeoutMs: options.connectTimeoutMs,
      tls: options.tls,
    });
    // Listen before binding: an SMSC pushes queued deliver_sm right behind bind_transceiver_resp,
    // in the same read as the response.
    opened.session.on('pdu', (pdu: SmppPdu) => answer(opened, pdu));
    try {
      await bindTransceiver(opened.session, { endpoint, timeoutMs: options.responseTimeoutMs });
    } catch (error) {
      opened.session.destroy();
      throw error;
    }
    if (closed) return opened.session.destroy();
    current = opened;
    backoffMs = options.reconnect.initialMs;
    opened.session.once('close', () => onClose(opened));
    enquireTimer = setInterval(() => enquireLink(opened.session), options.enquireLinkMs);
    logger.info(where, 'SMPP link bound (bind_transceiver)');
    for (const waiter of waiters) waiter.resolve(opened.session);
    waiters.clear();
  }

  /** enquire_link keeps NATs and the SMSC's inactivity timer happy (SMPP v3.4 §4.11). */
  function enquireLink(session: SmppSession): void {
    const timeoutMs = options.responseTimeoutMs;
    request(session, { command: 'enquire_link', fields: {}, timeoutMs }).catch((error: unknown) => {
      logger.warn({ ...where, err: String(error) }, 'SMPP enquire_link unanswered; dropping link');
      session.destroy();
    });
  }

  /** The SMSC's requests; every one that has a response gets it. */
  function answer(opened: OpenSession, pdu: SmppPdu): void {
    if (pdu.isResponse()) return; // matched to our requests by sequence_number in request()
    const { session } = opened;
    switch (pdu.command) {
      case 'deliver_sm': {
        const frame = opened.frames.take(DELIVER_SM_ID, pdu.sequence_number);
        try {
          options.onDeliver(pdu, frame ? readShortMessage(frame) : new Uint8Array(0));
        } catch (error) {
          logger.error({ ...where, err: String(error) }, 'SMPP deliver_sm handler failed');
        }
        // deliver_sm_resp always (SMPP v3.4 §4.6.2); message_id is unused and NULL.
        session.send(pdu.response());
        return;
      }
      case 'enquire_link': // SMPP v3.4 §4.11.2
        session.send(pdu.response());
        return;
      case 'unbind': // SMPP v3.4 §4.2: answer, then the SMSC closes; we re-bind as after a drop
        logger.warn(where, 'SMSC sent unbind');
        session.send(pdu.response(), () => session.close());
        return;
      case 'unknown': // generic_nack with ESME_RINVCMDID (SMPP v3.4 §4.3)
        session.send(pdu.response());
        return;
      default:
        logger.debug({ ...where, command: pdu.command }, 'SMPP request ignored');
    }
  }

  function onClose(opened: OpenSession): void {
    if (current !== opened) return;
    current = undefined;
    clearInterval(enquireTimer);
    if (closed) return;
    // Requests in flight reject in request() (the link closed before their response).
    logger.warn(where, 'SMPP link dropped; re-binding');
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    reconnectTimer = setTimeout(() => {
      connectAndBind().catch((error: unknown) => {
        if (closed) return;
        logger.warn({ ...where, err: String(error), retryInMs: backoffMs }, 'SMPP re-bind failed');
        backoffMs = Math.min(backoffMs * 2, options.reconnect.maxMs);
        scheduleReconnect();
      });
    }, backoffMs);
  }

  function boundSession(): Promise<SmppSession> {
    if (closed) return Promise.reject(new SmsSendError('SMPP gateway is closed', true));
    // A socket that is no longer writable is closing: 'close' follows and the re-bind starts.
    if (current?.session.socket.writable) return Promise.resolve(current.session);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new SmsSendError(`SMPP link down: not re-bound within ${options.bindWaitMs} ms`, true),
        );
      }, options.bindWaitMs);
      const waiter: Waiter = {
        resolve: (session) => (clearTimeout(timer), resolve(session)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      waiters.add(waiter);
    });
  }

  try {
    await connectAndBind();
  } catch (error) {
    if (error instanceof SmsSendError) throw error;
    throw new SmsSendError(`cannot reach SMSC ${where.smsc}: ${String(error)}`, true, {
      cause: error,
    });
  }

  return {
    async request(command, fields) {
      const session = await boundSession();
      try {
        return await request(session, { command, fields, timeoutMs: options.responseTimeoutMs });
      } catch (error) {
        // No response: the SMSC may or may not have taken it. We never resend on our own; the
        // dispatcher decides from its outbox, so this is a retryable failure of unknown outcome.
        throw new SmsSendError(`${command} outcome unknown: ${String(error)}`, true, {
          cause: error,
        });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      clearInterval(enquireTimer);
      for (const waiter of waiters) waiter.reject(new SmsSendError('SMPP gateway closed', true));
      waiters.clear();
      const opened = current;
      if (!opened) return;
      // unbind, wait for unbind_resp, then end the connection (SMPP v3.4 §4.2).
      const timeoutMs = options.responseTimeoutMs;
      await request(opened.session, { command: 'unbind', fields: {}, timeoutMs }).catch(() => {});
      await endSession(opened.session, timeoutMs);
      logger.info(where, 'SMPP link closed (unbind)');
    },
  };
}

function endSession(session: SmppSession, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (session.socket.destroyed) return resolve();
    const timer = setTimeout(() => session.destroy(), timeoutMs);
    session.close(() => (clearTimeout(timer), resolve()));
  });
}
