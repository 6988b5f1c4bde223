// Link life: drops, re-binds, in-flight sends, the window, enquire_link and unbind, on real sockets.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeSmsc } from '../../testing/smsc.js';
import type { FakeSmsc } from '../../testing/smsc.js';
import type { SmsGateway } from '../sms-gateway.js';
import { createSmppGateway } from './smpp-gateway.js';
import type { SmppGatewayOptions } from './smpp-gateway.js';

const sms = (messageId: string) => ({
  messageId,
  to: '+254712345678',
  text: `Ujumbe ${messageId}`,
});

/** A real pino logger whose JSON lines land in `messages`, so tests see what would be logged. */
function recordingLogger() {
  const messages: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void messages.push(line) });
  return Object.assign(logger, { messages });
}
const logged = (messages: string[], msg: string) =>
  messages.some((line) => (JSON.parse(line) as { msg?: string }).msg?.startsWith(msg));

let smsc: FakeSmsc;
let gateway: SmsGateway | undefined;
let logger: ReturnType<typeof recordingLogger>;
beforeEach(async () => {
  smsc = await createFakeSmsc();
  logger = recordingLogger();
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await smsc.close();
});

async function open(options: Partial<SmppGatewayOptions> = {}): Promise<SmsGateway> {
  gateway = await createSmppGateway({
    url: smsc.url(),
    logger,
    sourceAddr: 'SHAMBA',
    reconnect: { initialMs: 50, maxMs: 200 },
    bindWaitMs: 3_000,
    ...options,
  });
  return gateway;
}

describe('SMPP link', () => {
  it('re-binds after the link drops, and later sends go through', async () => {
    const gw = await open();
    await gw.send(sms('a'));
    smsc.dropLink();
    await smsc.waitFor(() => smsc.binds.length === 2 && smsc.boundSessions() === 1);
    await expect(gw.send(sms('b'))).resolves.toEqual({
      gatewayMessageIds: ['smsc-2'],
      segments: 1,
    });
    expect(logged(logger.messages, 'SMPP link dropped')).toBe(true);
  });

  it('rejects a send in flight when the link drops as retryable (outcome unknown), never resending it', async () => {
    const gw = await open();
    smsc.holdNext(1);
    const inFlight = gw.send(sms('held'));
    await smsc.waitFor(() => smsc.submits.length === 1);
    smsc.dropLink();
    await expect(inFlight).rejects.toMatchObject({
      name: 'SmsSendError',
      retryable: true,
      message: /outcome unknown/,
    });
    await smsc.waitFor(() => smsc.boundSessions() === 1);
    await gw.send(sms('after'));
    expect(smsc.submits.map((s) => s.commandStatus)).toEqual([null, 0]);
  });

  it('holds a send made while the link is down until the re-bind', async () => {
    const gw = await open({ reconnect: { initialMs: 150, maxMs: 150 } });
    smsc.dropLink();
    await smsc.waitFor(() => logged(logger.messages, 'SMPP link dropped'));
    const result = await gw.send(sms('while-down'));
    expect(result.gatewayMessageIds).toEqual(['smsc-1']);
    expect(smsc.binds).toHaveLength(2);
  });

  it('rejects a send as retryable when the SMSC does not come back within bindWaitMs', async () => {
    const gw = await open({ bindWaitMs: 200 });
    await smsc.close();
    await smsc.waitFor(() => logged(logger.messages, 'SMPP link dropped'));
    await expect(gw.send(sms('nobody'))).rejects.toMatchObject({
      retryable: true,
      message: /not re-bound within 200 ms/,
    });
    smsc = await createFakeSmsc(); // for afterEach
  });

  it('rejects as retryable when no submit_sm_resp comes within the response timer', async () => {
    const gw = await open({ responseTimeoutMs: 150 });
    smsc.holdNext(1);
    await expect(gw.send(sms('slow'))).rejects.toMatchObject({ retryable: true });
    await expect(gw.send(sms('next'))).resolves.toMatchObject({ segments: 1 });
  });

  it('keeps at most windowSize submit_sm outstanding; the rest wait', async () => {
    const gw = await open({ windowSize: 2 });
    smsc.holdNext(2);
    const sends = ['w1', 'w2', 'w3'].map((id) => gw.send(sms(id)).catch((error: unknown) => error));
    await smsc.waitFor(() => smsc.submits.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(smsc.submits).toHaveLength(2); // the third waits for a slot
    smsc.dropLink(); // the two held reject; the third goes out after the re-bind
    const [first, second, third] = await Promise.all(sends);
    expect([first, second]).toMatchObject([{ retryable: true }, { retryable: true }]);
    expect(third).toEqual({ gatewayMessageIds: ['smsc-1'], segments: 1 });
  });

  it('sends enquire_link on its interval, and unbinds on close', async () => {
    const gw = await open({ enquireLinkMs: 30 });
    await smsc.waitFor(() => smsc.counts.enquireLinks >= 2);
    await gw.close();
    gateway = undefined;
    expect(smsc.counts.unbinds).toBe(1);
    await smsc.waitFor(() => smsc.boundSessions() === 0);
    await expect(gw.send(sms('late'))).rejects.toMatchObject({ retryable: true });
  });

  it('never logs the password', async () => {
    const gw = await open();
    smsc.dropLink();
    await smsc.waitFor(() => smsc.binds.length === 2 && smsc.boundSessions() === 1);
    await gw.close();
    gateway = undefined;
    expect(logger.messages.join('\n')).toContain('shamba');
    expect(logger.messages.join('\n')).not.toContain('secret');
  });
});
