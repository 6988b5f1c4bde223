import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSmsc } from '../../testing/smsc.js';
import type { FakeSmsc } from '../../testing/smsc.js';
import { SmsSendError } from '../sms-gateway.js';
import type { DeliveryReceipt, SmsGateway } from '../sms-gateway.js';
import { createSmppGateway } from './smpp-gateway.js';
import type { SmppGatewayOptions } from './smpp-gateway.js';

const NOW_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];
const utf16be = (text: string) => Uint8Array.from(Buffer.from(text, 'utf16le').swap16());

function recordingLogger() {
  const records: { level: string; obj: object; msg: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    void records.push({ level, obj, msg });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let smsc: FakeSmsc;
let gateway: SmsGateway | undefined;
beforeEach(async () => {
  smsc = await createFakeSmsc();
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await smsc.close();
});

async function open(options: Partial<SmppGatewayOptions> = {}): Promise<SmsGateway> {
  gateway = await createSmppGateway({
    url: smsc.url(),
    logger: recordingLogger(),
    sourceAddr: 'SHAMBA',
    clock: () => NOW_MS,
    throttle: { attempts: 3, initialMs: 5, maxMs: 20 },
    ...options,
  });
  return gateway;
}

describe('SMPP gateway against a real SMSC on loopback', () => {
  it('binds as a transceiver with the URL credentials, SMPP v3.4', async () => {
    await open();
    expect(smsc.binds).toEqual([
      {
        command: 'bind_transceiver',
        systemId: 'shamba',
        password: 'secret',
        interfaceVersion: 0x34,
        accepted: true,
      },
    ]);
  });

  it('refuses wrong credentials at create with a non-retryable error that hides the password', async () => {
    const logger = recordingLogger();
    const url = smsc.url({ systemId: 'shamba', password: 'hunter2' });
    const error: unknown = await createSmppGateway({ url, logger, sourceAddr: 'SHAMBA' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SmsSendError);
    const { message, retryable } = error as SmsSendError;
    expect(retryable).toBe(false);
    expect(message).toMatch(/system_id shamba.*0x0e.*wrong system_id or password/);
    expect(JSON.stringify([message, logger.records])).not.toContain('hunter2');
    expect(smsc.binds.map((bind) => bind.accepted)).toEqual([false]);
  });

  it('sends a one-part GSM-7 message as data_coding 0 with exact septets', async () => {
    const sms = await open();
    const text = 'Maji 12mm @6:00 {€} £5 é';
    const result = await sms.send({ messageId: 'm1', to: '+254712345678', text });
    expect(result).toEqual({ gatewayMessageIds: ['smsc-1'], segments: 1 });
    expect(smsc.submits).toEqual([
      {
        sequenceNumber: 2, // 1 was bind_transceiver
        sourceAddr: { ton: 5, npi: 0, addr: 'SHAMBA' },
        destinationAddr: { ton: 1, npi: 1, addr: '254712345678' },
        esmClass: 0,
        dataCoding: 0,
        registeredDelivery: 1,
        // GSM 03.38: '@' 0x00, '{' ESC 0x28, '€' ESC 0x65, '}' ESC 0x29, '£' 0x01, 'é' 0x05.
        shortMessage: Uint8Array.from([
          ...ascii('Maji 12mm '),
          0x00,
          ...ascii('6:00 '),
          0x1b,
          0x28,
          0x1b,
          0x65,
          0x1b,
          0x29,
          0x20,
          0x01,
          0x35,
          0x20,
          0x05,
        ]),
        commandStatus: 0,
        messageId: 'smsc-1',
      },
    ]);
  });

  it('sends a 3-part GSM-7 message with a concatenation UDH per part', async () => {
    const sms = await open({ sourceAddr: '+254711000111', rng: () => 0.5 });
    const text = 'Panda mahindi sasa. '.repeat(20); // 400 septets: 153 + 153 + 94
    const result = await sms.send({ messageId: 'm2', to: '+254712345678', text });
    expect(result).toEqual({ gatewayMessageIds: ['smsc-1', 'smsc-2', 'smsc-3'], segments: 3 });
    const reference = 129; // rng 0.5 starts the 8-bit reference at 128; this message takes the next
    expect(smsc.submits.map((s) => [s.esmClass, s.dataCoding, s.sourceAddr])).toEqual(
      Array(3).fill([0x40, 0, { ton: 1, npi: 1, addr: '254711000111' }]),
    );
    // TS 23.040 §9.2.3.24.1: UDHL 5, IEI 0x00, IEDL 3, reference, total, sequence.
    expect(smsc.submits.map((s) => [...s.shortMessage.subarray(0, 6)])).toEqual([
      [5, 0, 3, reference, 3, 1],
      [5, 0, 3, reference, 3, 2],
      [5, 0, 3, reference, 3, 3],
    ]);
    const bodies = smsc.submits.map((s) => s.shortMessage.subarray(6));
    expect(bodies.map((body) => body.length)).toEqual([153, 153, 94]);
    expect(Buffer.concat(bodies).toString('latin1')).toBe(text);
  });

  it('sends Amharic as UCS-2, data_coding 8, UTF-16BE octets', async () => {
    const sms = await open();
    const text = 'ሰላም ገበሬ! ዛሬ 12 ሚሜ ውሃ ያጠጡ።';
    await sms.send({ messageId: 'm3', to: '+251911234567', text });
    expect(smsc.submits.map((s) => [s.dataCoding, s.esmClass, s.shortMessage])).toEqual([
      [8, 0, utf16be(text)],
    ]);
  });

  it('retries ESME_RTHROTTLED with backoff, then succeeds', async () => {
    const sms = await open();
    smsc.throttleNext(2);
    const result = await sms.send({ messageId: 'm4', to: '+254712345678', text: 'Mbolea kesho' });
    expect(result.gatewayMessageIds).toEqual(['smsc-1']);
    expect(smsc.submits.map((s) => s.commandStatus)).toEqual([0x58, 0x58, 0]);
  });

  it('gives up on ESME_RMSGQFUL after the bounded attempts, retryable', async () => {
    const sms = await open();
    smsc.throttleNext(3, 0x14);
    const sent = sms.send({ messageId: 'm5', to: '+254712345678', text: 'Mbolea kesho' });
    await expect(sent).rejects.toMatchObject({ name: 'SmsSendError', retryable: true });
    expect(smsc.submits.map((s) => s.commandStatus)).toEqual([0x14, 0x14, 0x14]);
  });

  it('does not retry a refused destination (ESME_RINVDSTADR) and rejects a non-E.164 one locally', async () => {
    const sms = await open();
    smsc.throttleNext(1, 0x0b);
    const refused = sms.send({ messageId: 'm6', to: '+254712345678', text: 'Habari' });
    await expect(refused).rejects.toMatchObject({ retryable: false, message: /0x0b/ });
    const local = sms.send({ messageId: 'm7', to: '0712345678', text: 'Habari' });
    await expect(local).rejects.toMatchObject({ retryable: false, message: /E\.164/ });
    expect(smsc.submits).toHaveLength(1);
  });

  it('emits delivery receipts from the text and from the TLVs, and answers deliver_sm_resp', async () => {
    const sms = await open();
    const receipts: DeliveryReceipt[] = [];
    sms.onReceipt((receipt) => receipts.push(receipt));
    await smsc.sendReceipt({ messageId: 'smsc-7', stat: 'DELIVRD' });
    await smsc.sendReceipt({ messageId: 'smsc-8', textId: '8', stat: 'UNDELIV', messageState: 5 });
    await smsc.sendReceipt({ messageId: 'smsc-9', stat: 'ENROUTE' }); // not final: no receipt
    expect(receipts).toEqual([
      { gatewayMessageId: 'smsc-7', state: 'delivered', at: new Date('2026-12-03T12:01:00Z') },
      {
        gatewayMessageId: 'smsc-8',
        state: 'failed',
        at: new Date('2026-12-03T12:01:00Z'),
        detail: 'stat:UNDELIV err:001',
      },
    ]);
    expect(smsc.deliverResponses.map((r) => r.commandStatus)).toEqual([0, 0, 0]);
  });
});
