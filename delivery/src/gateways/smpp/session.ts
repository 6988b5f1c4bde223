// One TCP (or TLS) connection to the SMSC and the requests on it. Link state lives in link.ts.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { SmsSendError } from '../sms-gateway.js';
import { tapFrames } from './raw-frames.js';
import { connectSession, createPdu, STATUS } from './smpp-lib.js';
import type { SmppPdu, SmppSession } from './smpp-lib.js';
import type { SmppEndpoint } from './url.js';

/** A pino Logger fits this; the gateway logs nothing else. */
export interface GatewayLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const DELIVER_SM_ID = 0x00000005; // SMPP v3.4 §5.1.2.1

export interface OpenSession {
  session: SmppSession;
  frames: ReturnType<typeof tapFrames>;
}

/** Connects (TCP or TLS) within `timeoutMs`. */
export function openSession(options: {
  endpoint: SmppEndpoint;
  timeoutMs: number;
  tls?: ConnectionOptions | undefined;
}): Promise<OpenSession> {
  const { endpoint } = options;
  return new Promise((resolve, reject) => {
    // SNI carries host names only (RFC 6066 §3), never an IP address.
    const servername = options.tls?.servername ?? (isIP(endpoint.host) === 0 ? endpoint.host : '');
    const session = connectSession({
      ...(endpoint.tls ? { ...options.tls, ...(servername ? { servername } : {}) } : {}),
      host: endpoint.host,
      port: endpoint.port,
      tls: endpoint.tls,
    });
    const frames = tapFrames(session.socket, [DELIVER_SM_ID]);
    // 'close' always follows 'error'; the link reacts to 'close'. Without a listener an error
    // event would throw.
    session.on('error', () => undefined);
    // request() adds one 'close' listener per outstanding request; the window bounds them.
    session.setMaxListeners(0);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`connect timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      session.destroy();
      reject(error);
    };
    session.once('error', onError);
    session.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      session.off('error', onError);
      resolve({ session, frames });
    });
  });
}

/**
 * Sends a request and resolves with its response (any command_status). Rejects when the socket
 * is not writable or closes first, and after `timeoutMs` without a response (the response timer,
 * SMPP v3.4 §7.2).
 */
export function request(
  session: SmppSession,
  pdu: { command: string; fields: Record<string, unknown>; timeoutMs: number },
): Promise<SmppPdu> {
  return new Promise((resolve, reject) => {
    const settle = (error: Error | null, response?: SmppPdu) => {
      clearTimeout(timer);
      session.off('close', onClose);
      if (response) resolve(response);
      else reject(error ?? new Error('no response'));
    };
    const onClose = () => settle(new Error(`link closed before ${pdu.command}_resp`));
    const timer = setTimeout(
      () => settle(new Error(`no ${pdu.command}_resp within ${pdu.timeoutMs} ms`)),
      pdu.timeoutMs,
    );
    session.once('close', onClose);
    const sent = session.send(createPdu(pdu.command, pdu.fields), (response) =>
      settle(null, response),
    );
    if (!sent) settle(new Error(`link not writable for ${pdu.command}`));
  });
}

/** The bind statuses that say the credentials are wrong: retrying with them cannot help. */
const CREDENTIAL_STATUS = new Set<number>([
  STATUS.ESME_RINVPASWD,
  STATUS.ESME_RINVSYSID,
  STATUS.ESME_RBINDFAIL,
]);

/** bind_transceiver (SMPP v3.4 §4.1.5); throws SmsSendError when the SMSC refuses. */
export async function bindTransceiver(
  session: SmppSession,
  options: { endpoint: SmppEndpoint; timeoutMs: number },
): Promise<void> {
  const response = await request(session, {
    command: 'bind_transceiver',
    fields: {
      system_id: options.endpoint.systemId,
      password: options.endpoint.password,
      system_type: '',
      interface_version: 0x34, // SMPP v3.4 (§5.2.4); the library's default is 0x50 (v5.0)
      addr_ton: 0,
      addr_npi: 0,
      address_range: '',
    },
    timeoutMs: options.timeoutMs,
  });
  const status = response.command_status;
  if (status === STATUS.ESME_ROK) return;
  const hex = `0x${status.toString(16).padStart(2, '0')}`;
  throw new SmsSendError(
    `SMSC refused bind_transceiver for system_id ${options.endpoint.systemId}: status ${hex}` +
      (CREDENTIAL_STATUS.has(status) ? ' (wrong system_id or password)' : ''),
    !CREDENTIAL_STATUS.has(status),
  );
}
