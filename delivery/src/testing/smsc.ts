// A fake SMSC on 127.0.0.1 (port 0) for tests, built on the `smpp` package's server: records
// binds and submit_sm (with their raw short_message octets), answers with message ids, sends
// receipts and inbound messages, throttles or holds the next submits, and drops the link.
import type { AddressInfo } from 'node:net';
import { readShortMessage, tapFrames } from '../gateways/smpp/raw-frames.js';
import { formatReceiptText } from '../gateways/smpp/receipts.js';
import { createPdu, createSmppServer, intField, STATUS } from '../gateways/smpp/smpp-lib.js';
import { textField } from '../gateways/smpp/smpp-lib.js';
import type { SmppPdu, SmppSession } from '../gateways/smpp/smpp-lib.js';
import type { SmscBind, SmscInbound, SmscReceipt, SmscSubmit } from './smsc-records.js';

type NextAnswer = { kind: 'status'; status: number } | { kind: 'hold' };

const SUBMIT_SM_ID = 0x00000004;
const BIND_COMMANDS = new Set(['bind_transceiver', 'bind_transmitter', 'bind_receiver']);

/** `tls` ({key, cert}) makes it an smpps:// SMSC. */
export async function createFakeSmsc(
  options: { accounts?: Record<string, string>; tls?: { key: string; cert: string } } = {},
) {
  const accounts = options.accounts ?? { shamba: 'secret' };
  const binds: SmscBind[] = [];
  const submits: SmscSubmit[] = [];
  const deliverResponses: { sequenceNumber: number; commandStatus: number }[] = [];
  const bound = new Set<SmppSession>();
  const nextAnswers: NextAnswer[] = [];
  /** PDUs the SMSC answered besides binds and submits. */
  const counts = { enquireLinks: 0, unbinds: 0 };
  let lastMessageId = 0;
  const onBind: SmscInbound[] = [];

  const server = createSmppServer(options.tls ?? {}, (session) => {
    const frames = tapFrames(session.socket, [SUBMIT_SM_ID]);
    session.on('error', () => undefined); // the client dropping the link is expected here
    session.on('close', () => bound.delete(session));
    session.on('pdu', (pdu: SmppPdu) => {
      if (BIND_COMMANDS.has(pdu.command)) return bind(session, pdu);
      if (pdu.command === 'submit_sm') {
        return submit(session, pdu, frames.take(SUBMIT_SM_ID, pdu.sequence_number));
      }
      if (pdu.command === 'enquire_link') counts.enquireLinks += 1;
      if (pdu.command === 'unbind') counts.unbinds += 1;
      if (pdu.command === 'enquire_link' || pdu.command === 'unbind') session.send(pdu.response());
    });
  });

  function bind(session: SmppSession, pdu: SmppPdu): void {
    const systemId = textField(pdu, 'system_id');
    const password = textField(pdu, 'password');
    const accepted = accounts[systemId] === password;
    const interfaceVersion = intField(pdu, 'interface_version');
    binds.push({ command: pdu.command, systemId, password, interfaceVersion, accepted });
    if (!accepted)
      return void session.send(pdu.response({ command_status: STATUS.ESME_RINVPASWD }));
    bound.add(session);
    session.send(pdu.response({ system_id: 'fake-smsc' }));
    // Right behind the response, as SMSCs push their backlog: usually the same TCP segment.
    for (const message of onBind.splice(0)) void deliver(inboundFields(message));
  }

  function submit(session: SmppSession, pdu: SmppPdu, frame: Uint8Array | undefined): void {
    const answer = nextAnswers.shift() ?? { kind: 'status', status: STATUS.ESME_ROK };
    const accepted = answer.kind === 'status' && answer.status === STATUS.ESME_ROK;
    const messageId = accepted ? `smsc-${(lastMessageId += 1)}` : null;
    submits.push({
      sequenceNumber: pdu.sequence_number,
      sourceAddr: address(pdu, 'source_addr'),
      destinationAddr: address(pdu, 'dest_addr', 'destination_addr'),
      esmClass: intField(pdu, 'esm_class'),
      dataCoding: intField(pdu, 'data_coding'),
      registeredDelivery: intField(pdu, 'registered_delivery'),
      shortMessage: frame ? Uint8Array.from(readShortMessage(frame)) : new Uint8Array(0),
      commandStatus: answer.kind === 'status' ? answer.status : null,
      messageId,
    });
    if (answer.kind === 'hold') return;
    if (messageId) session.send(pdu.response({ message_id: messageId }));
    else session.send(pdu.response({ command_status: answer.status }));
  }

  function deliver(fields: Record<string, unknown>): Promise<void> {
    const [session] = [...bound].reverse();
    if (!session) return Promise.reject(new Error('fake SMSC: no bound session'));
    return new Promise((resolve) => {
      session.send(createPdu('deliver_sm', fields), (response) => {
        deliverResponses.push({
          sequenceNumber: response.sequence_number,
          commandStatus: response.command_status,
        });
        resolve();
      });
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    port,
    binds,
    submits,
    deliverResponses,
    counts,
    /** Sessions bound now (a dropped or unbound one leaves). */
    boundSessions: () => bound.size,
    url(credentials = { systemId: 'shamba', password: 'secret' }): string {
      const user = `${encodeURIComponent(credentials.systemId)}:${encodeURIComponent(credentials.password)}`;
      return `${options.tls ? 'smpps' : 'smpp'}://${user}@127.0.0.1:${port}`;
    },
    /** The next `count` submit_sm get `status` (ESME_RTHROTTLED by default) instead of an id. */
    throttleNext(count: number, status: number = STATUS.ESME_RTHROTTLED): void {
      for (let i = 0; i < count; i += 1) nextAnswers.push({ kind: 'status', status });
    },
    /** The next `count` submit_sm are recorded and never answered (outcome unknown). */
    holdNext(count: number): void {
      for (let i = 0; i < count; i += 1) nextAnswers.push({ kind: 'hold' });
    },
    /** A delivery receipt in the Appendix B text format; resolves on deliver_sm_resp. */
    sendReceipt(receipt: SmscReceipt): Promise<void> {
      const text = formatReceiptText({
        id: receipt.textId ?? receipt.messageId,
        stat: receipt.stat,
        err: receipt.err ?? (receipt.stat === 'DELIVRD' ? '000' : '001'),
        submitDate: '2612031200',
        doneDate: '2612031201',
      });
      const tlvs =
        receipt.messageState === undefined
          ? {}
          : { receipted_message_id: receipt.messageId, message_state: receipt.messageState };
      return deliver({
        source_addr: '254700000001',
        esm_class: 0x04, // SMSC delivery receipt (SMPP v3.4 §5.2.12)
        data_coding: 0,
        short_message: Buffer.from(text, 'latin1'),
        ...tlvs,
      });
    },
    /** A mobile-originated message; resolves on deliver_sm_resp. */
    sendInbound(message: SmscInbound): Promise<void> {
      return deliver(inboundFields(message));
    },
    /** Delivers these the moment the next bind is accepted. */
    sendOnNextBind(...messages: SmscInbound[]): void {
      onBind.push(...messages);
    },
    /** Cuts every connection without unbind, as a failing network does. */
    dropLink(): void {
      for (const session of server.sessions) session.destroy();
    },
    async waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('fake SMSC: condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close(): Promise<void> {
      for (const session of [...server.sessions]) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type { SmscBind, SmscInbound, SmscReceipt, SmscSubmit } from './smsc-records.js';
export type FakeSmsc = Awaited<ReturnType<typeof createFakeSmsc>>;

function inboundFields(message: SmscInbound): Record<string, unknown> {
  return {
    source_addr_ton: message.fromTon ?? 1,
    source_addr_npi: 1,
    source_addr: message.from,
    dest_addr_ton: 3,
    destination_addr: message.to ?? '20880',
    esm_class: message.esmClass ?? 0,
    data_coding: message.dataCoding,
    short_message: Buffer.from(message.shortMessage),
  };
}

function address(pdu: SmppPdu, prefix: string, addrField = prefix) {
  return {
    ton: intField(pdu, `${prefix}_ton`),
    npi: intField(pdu, `${prefix}_npi`),
    addr: textField(pdu, addrField),
  };
}
