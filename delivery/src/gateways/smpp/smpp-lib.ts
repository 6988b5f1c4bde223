// A typed face for the `smpp` package (0.5.1, CommonJS, no types of its own). Only what the
// gateway and the test SMSC use; field names are the library's (snake_case, as in SMPP v3.4).
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import type { Socket } from 'node:net';

/** A decoded PDU: the header plus the command's mandatory fields and TLVs, by their spec names. */
export interface SmppPdu {
  command: string;
  command_id: number;
  command_status: number;
  sequence_number: number;
  [field: string]: unknown;
  response(fields?: Record<string, unknown>): SmppPdu;
  isResponse(): boolean;
}

export interface SmppSession extends EventEmitter {
  /** The library's socket (net.Socket or tls.TLSSocket). */
  socket: Socket;
  /** false when the socket is no longer writable; the callback gets the response PDU. */
  send(pdu: SmppPdu, onResponse?: (response: SmppPdu) => void): boolean;
  close(onClosed?: () => void): void;
  destroy(onClosed?: () => void): void;
}

interface SmppModule {
  connect(options: Record<string, unknown>): SmppSession;
  createServer(
    options: Record<string, unknown>,
    onSession: (session: SmppSession) => void,
  ): Server & { sessions: SmppSession[] };
  PDU: new (command: string, fields?: Record<string, unknown>) => SmppPdu;
}

// Required from here (and, once bundled, from cli/dist/: smpp is a dependency of @shamba/cli too).
const smpp = createRequire(import.meta.url)('smpp') as SmppModule;

export function createPdu(command: string, fields: Record<string, unknown> = {}): SmppPdu {
  return new smpp.PDU(command, fields);
}

export const connectSession = (options: Record<string, unknown>): SmppSession =>
  smpp.connect(options);

/** A plain server, or a TLS one when options has key and cert (smpp lib/smpp.js createServer). */
export const createSmppServer = (
  options: Record<string, unknown>,
  onSession: (session: SmppSession) => void,
) => smpp.createServer(options, onSession);

/** command_status values used here (SMPP v3.4 §5.1.3, Table 5-2). */
export const STATUS = {
  ESME_ROK: 0x00,
  ESME_RMSGQFUL: 0x14,
  ESME_RINVDSTADR: 0x0b,
  ESME_RBINDFAIL: 0x0d,
  ESME_RINVPASWD: 0x0e,
  ESME_RINVSYSID: 0x0f,
  ESME_RTHROTTLED: 0x58,
  ESME_RSYSERR: 0x08,
} as const;

/** esm_class bits (SMPP v3.4 §5.2.12). */
export const ESM_CLASS = {
  /** bits 5-2 = 0001: SMSC delivery receipt (deliver_sm only). */
  DELIVERY_RECEIPT: 0x04,
  /** bit 6: the short_message begins with a User Data Header. */
  UDH_INDICATOR: 0x40,
} as const;

/** data_coding values (SMPP v3.4 §5.2.19). */
export const DATA_CODING = { GSM7: 0x00, IA5: 0x01, LATIN1: 0x03, UCS2: 0x08 } as const;

/** A decoded PDU's text field ('' when absent). */
export function textField(pdu: SmppPdu, name: string): string {
  const value = pdu[name];
  return typeof value === 'string' ? value : '';
}

/** A decoded PDU's integer field (0 when absent, the library's default for int8). */
export function intField(pdu: SmppPdu, name: string): number {
  const value = pdu[name];
  return typeof value === 'number' ? value : 0;
}
