import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { formatFki, parseTxa, type TxaCommand } from '@shamba/schemas';
import { SmsSendError } from '../gateways/sms-gateway.js';
import { createBeidouGateway, type BeidouSerial } from './beidou-gateway.js';

const logger = pino({ level: 'silent' });
const T = Date.parse('2026-12-03T06:00:00Z');
const ADVICE = Uint8Array.of(0xa1, 0x11, 0x00, 0x02, 0x00, 0xbe);

/**
 * A card on the serial line as the RDSS protocol answers (the firmware-sim terminal does the
 * same; tests/src/beidou-advice.e2e.test.ts runs the gateway against that one): one message per
 * 60 s service interval, $BDFKI for each $CCTXA.
 */
function card(now: () => number) {
  const sent: TxaCommand[] = [];
  const lines: string[] = [];
  let lastMs = Number.NEGATIVE_INFINITY;
  const serial: BeidouSerial = {
    async write(line) {
      lines.push(line);
      const waitMs = lastMs + 60_000 - now();
      if (waitMs > 0) return formatFki({ done: false, rateOk: false, waitS: waitMs / 1000 });
      sent.push(parseTxa(line));
      lastMs = now();
      return `${formatFki({ done: true, rateOk: true, waitS: 60 })}\r\n`;
    },
  };
  return { serial, sent, lines };
}

async function refusal(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof SmsSendError))
    throw new Error(`expected SmsSendError, got ${String(error)}`);
  return error;
}

describe('BeiDou gateway', () => {
  it("sends the binary to the farmer's card as $CCTXA, and defers a second within 60 s", async () => {
    let now = T;
    const terminal = card(() => now);
    const gateway = createBeidouGateway({ serial: terminal.serial, logger, clock: () => now });
    expect(gateway.name).toBe('beidou');
    const sms = { messageId: 'm-1', to: '0455501', text: 'Field 2 ...', binary: ADVICE };
    expect(await gateway.send(sms)).toEqual({ gatewayMessageIds: ['bd-m-1'], segments: 1 });
    expect(terminal.lines).toEqual([
      expect.stringMatching(/^\$CCTXA,0455501,1,1,A111000200BE\*[0-9A-F]{2}$/),
    ]);
    expect(terminal.sent).toEqual([{ toCard: '0455501', payload: ADVICE }]);

    now = T + 20_000;
    const busy = await refusal(gateway.send({ ...sms, messageId: 'm-2' }));
    expect([busy.retryable, busy.message]).toEqual([
      true,
      "BeiDou: the card's service interval has not passed; wait 40 s (until 2026-12-03T06:01:00.000Z)",
    ]);
    now = T + 60_000;
    expect((await gateway.send({ ...sms, messageId: 'm-2' })).gatewayMessageIds).toEqual([
      'bd-m-2',
    ]);
    expect(terminal.sent).toHaveLength(2);
  });

  it('refuses for good what can never go, without writing to the terminal', async () => {
    const terminal = card(() => T);
    const gateway = createBeidouGateway({ serial: terminal.serial, logger });
    const base = { messageId: 'm-1', to: '0455501', text: 'x' };
    const errors = await Promise.all([
      refusal(gateway.send(base)),
      refusal(gateway.send({ ...base, to: '+251911234501', binary: ADVICE })),
      refusal(gateway.send({ ...base, binary: new Uint8Array(71) })),
    ]);
    expect(errors.map((e) => [e.retryable, e.message])).toEqual([
      [false, 'BeiDou: the message has no binary payload to send'],
      [false, 'BeiDou: "+251911234501" is not a card id (1-10 digits)'],
      [false, 'BeiDou: 71 bytes; one short message holds 1-70'],
    ]);
    expect(terminal.lines).toEqual([]);
  });

  it('retries what may go later: a terminal that did not send, a dead or noisy serial line', async () => {
    const answers = [
      async () => formatFki({ done: false, rateOk: true, waitS: 0 }),
      async (): Promise<string> => {
        throw new Error('EIO: serial port closed');
      },
      async () => '$BDFKI,TXA,Y,Y,0,60*00',
    ];
    const gateway = createBeidouGateway({
      serial: { write: () => answers.shift()!() },
      logger,
      clock: () => T,
    });
    const sms = { messageId: 'm-1', to: '0455501', text: 'x', binary: ADVICE };
    const errors = [
      await refusal(gateway.send(sms)),
      await refusal(gateway.send(sms)),
      await refusal(gateway.send(sms)),
    ];
    expect(errors.map((e) => [e.retryable, e.message])).toEqual([
      [true, 'BeiDou: the terminal did not send it; wait 0 s (until 2026-12-03T06:00:00.000Z)'],
      [true, 'BeiDou terminal unreachable: EIO: serial port closed'],
      [
        true,
        expect.stringMatching(
          /^BeiDou terminal answered "\$BDFKI,TXA,Y,Y,0,60\*00": BDFKI: bad checksum/,
        ),
      ],
    ]);
  });

  it('takes receipt and inbound listeners (RDSS gives neither here), and refuses after close', async () => {
    const terminal = card(() => T);
    const gateway = createBeidouGateway({ serial: terminal.serial, logger });
    gateway.onReceipt(() => undefined);
    gateway.onInbound(() => undefined);
    await gateway.close();
    const closed = await refusal(
      gateway.send({ messageId: 'm-1', to: '0455501', text: 'x', binary: ADVICE }),
    );
    expect([closed.retryable, closed.message]).toEqual([true, 'BeiDou gateway closed']);
    expect(terminal.lines).toEqual([]);
  });
});
