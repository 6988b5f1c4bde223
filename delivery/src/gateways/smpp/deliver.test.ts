// Inbound messages through a real SMPP session: deliver_sm from the fake SMSC to the gateway.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSmsc } from '../../testing/smsc.js';
import type { FakeSmsc } from '../../testing/smsc.js';
import type { InboundSms, SmsGateway } from '../sms-gateway.js';
import { createSmppGateway } from './smpp-gateway.js';

const NOW_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const utf16be = (text: string) => Uint8Array.from(Buffer.from(text, 'utf16le').swap16());
const udh = (reference: number, total: number, sequence: number) => [
  5,
  0,
  3,
  reference,
  total,
  sequence,
];

let smsc: FakeSmsc;
let gateway: SmsGateway;
let inbound: InboundSms[];
beforeEach(async () => {
  smsc = await createFakeSmsc();
  gateway = await createSmppGateway({
    url: smsc.url(),
    logger: silent,
    sourceAddr: '20880',
    clock: () => NOW_MS,
  });
  inbound = [];
  gateway.onInbound((sms) => inbound.push(sms));
});
afterEach(async () => {
  await gateway.close();
  await smsc.close();
});

describe('SMPP inbound messages', () => {
  it('decodes GSM-7 (data_coding 0) and adds + to an international sender', async () => {
    // GSM 03.38: 0x00 is '@', ESC 0x65 is '€'.
    const octets = Uint8Array.from([...Buffer.from('NDIYO '), 0x00, 0x1b, 0x65, 0x32]);
    await smsc.sendInbound({ from: '254712345678', dataCoding: 0, shortMessage: octets });
    expect(inbound).toEqual([
      { from: '+254712345678', to: '20880', text: 'NDIYO @€2', receivedAt: new Date(NOW_MS) },
    ]);
    expect(smsc.deliverResponses.map((r) => r.commandStatus)).toEqual([0]);
  });

  it('decodes UCS-2 (8) and Latin-1 (3), and keeps a national sender as sent', async () => {
    await smsc.sendInbound({
      from: '251911234567',
      dataCoding: 8,
      shortMessage: utf16be('አዎ ዝናብ'),
    });
    const latin1 = Uint8Array.from(Buffer.from('Pluie à 6h', 'latin1'));
    await smsc.sendInbound({ from: '0712345678', fromTon: 2, dataCoding: 3, shortMessage: latin1 });
    expect(inbound.map(({ from, text }) => ({ from, text }))).toEqual([
      { from: '+251911234567', text: 'አዎ ዝናብ' },
      { from: '0712345678', text: 'Pluie à 6h' },
    ]);
  });

  it('reads data_coding 0 as Latin-1 when an octet is no GSM-7 septet, rather than dropping it', async () => {
    // An SMSC that passes Latin-1 under data_coding 0 ("SMSC default alphabet", SMPP v3.4 §5.2.19).
    const latin1 = Uint8Array.from(Buffer.from('ARRÊT', 'latin1'));
    await smsc.sendInbound({ from: '254712345678', dataCoding: 0, shortMessage: latin1 });
    expect(inbound.map(({ from, text }) => ({ from, text }))).toEqual([
      { from: '+254712345678', text: 'ARRÊT' },
    ]);
    expect(smsc.deliverResponses.map((r) => r.commandStatus)).toEqual([0]);
  });

  it('reassembles concatenated parts that arrive out of order, by UDH reference', async () => {
    const text = 'ሰላም 😀 ገበሬ';
    const octets = utf16be(text);
    // Cut inside the surrogate pair of the emoji: the parts are joined before decoding.
    const cut = octets.indexOf(0xd8);
    const parts = [octets.subarray(0, cut + 2), octets.subarray(cut + 2)];
    const send = (sequence: number, reference: number, body: Uint8Array, from = '254700000009') =>
      smsc.sendInbound({
        from,
        dataCoding: 8,
        esmClass: 0x40,
        shortMessage: Uint8Array.from([...udh(reference, 2, sequence), ...body]),
      });
    await send(2, 77, parts[1] ?? new Uint8Array());
    await send(1, 77, utf16be('other sender'), '254700000001'); // same reference, other phone
    expect(inbound).toEqual([]);
    await send(1, 77, parts[0] ?? new Uint8Array());
    expect(inbound.map(({ from, text }) => ({ from, text }))).toEqual([
      { from: '+254700000009', text },
    ]);
    expect(smsc.deliverResponses).toHaveLength(3);
  });

  it('keeps messages the SMSC pushes right behind the bind until a listener is registered', async () => {
    const from = '254712345678';
    smsc.sendOnNextBind(
      { from, dataCoding: 0, shortMessage: Buffer.from('MAJI 1') },
      { from, dataCoding: 0, shortMessage: Buffer.from('MAJI 2') },
    );
    const late = await createSmppGateway({ url: smsc.url(), logger: silent, sourceAddr: '20880' });
    try {
      await smsc.waitFor(() => smsc.deliverResponses.length === 2);
      const texts: string[] = [];
      late.onInbound((sms) => texts.push(sms.text));
      expect(texts).toEqual(['MAJI 1', 'MAJI 2']);
    } finally {
      await late.close();
    }
  });

  it('answers deliver_sm_resp even when a listener throws or the coding is unknown', async () => {
    gateway.onInbound(() => {
      throw new Error('listener bug');
    });
    await smsc.sendInbound({ from: '254712345678', dataCoding: 0, shortMessage: Buffer.from('A') });
    await smsc.sendInbound({
      from: '254712345678',
      dataCoding: 0x04,
      shortMessage: Buffer.from('B'),
    });
    expect(inbound.map((sms) => sms.text)).toEqual(['A']);
    expect(smsc.deliverResponses.map((r) => r.commandStatus)).toEqual([0, 0]);
  });
});
