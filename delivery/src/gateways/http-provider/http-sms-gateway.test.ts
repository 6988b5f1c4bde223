import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isShambaError } from '@shamba/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmsProvider } from '../../testing/sms-provider.js';
import { SmsSendError, type DeliveryReceipt, type InboundSms } from '../sms-gateway.js';
import type { GatewayLogger } from './gateway-logger.js';
import { createHttpSmsGateway, type HttpSmsGateway } from './http-sms-gateway.js';
import { parseHttpGatewayUrl } from './gateway-url.js';

const NOW = Date.UTC(2026, 11, 3, 9, 30);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function recordingLogger(): { logger: GatewayLogger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (fields: object, message?: string) =>
    void lines.push(JSON.stringify({ level, ...fields, message }));
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

async function setUp(options: { senderId?: string; timeoutMs?: number; apiKey?: string } = {}) {
  const provider = await startSmsProvider();
  cleanups.push(() => provider.close());
  const { logger, lines } = recordingLogger();
  const settings = parseHttpGatewayUrl(provider.gatewayUrl);
  const gateway = createHttpSmsGateway({
    ...settings,
    ...options,
    logger,
    clock: () => NOW,
  });
  cleanups.push(() => gateway.close());
  return { provider, gateway, lines };
}

const SMS = { messageId: 'out-1', to: '+251911223344', text: 'Tolosa maize: irrigate 25 mm' };

async function refusal(promise: Promise<unknown>): Promise<SmsSendError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SmsSendError))
    throw new Error(`expected SmsSendError, got ${String(error)}`);
  return error;
}

describe('createHttpSmsGateway: send', () => {
  it('POSTs the form fields and headers the provider expects, and returns its message id', async () => {
    const { provider, gateway } = await setUp({ senderId: 'SHAMBA' });
    const result = await gateway.send(SMS);
    expect(provider.sends).toHaveLength(1);
    const [sent] = provider.sends;
    expect(sent?.form).toEqual({
      username: provider.username,
      to: '+251911223344',
      message: 'Tolosa maize: irrigate 25 mm',
      from: 'SHAMBA',
    });
    expect(sent?.apiKey).toBe(provider.apiKey);
    expect(sent?.accept).toBe('application/json');
    expect(sent?.contentType).toBe('application/x-www-form-urlencoded');
    const messageId = sent?.recipients[0]?.messageId;
    expect(messageId).toMatch(/^ATXid_[0-9a-f]{32}$/);
    expect(result).toEqual({ gatewayMessageIds: [messageId], segments: 1, cost: 'KES 0.8000' });
  });

  it('sends no `from` without a sender id, and takes the parts from messageParts', async () => {
    const { provider, gateway } = await setUp();
    // 161 GSM-7 characters: two segments (3GPP TS 23.040 §9.2.3.24.1: 153 per part).
    const result = await gateway.send({ ...SMS, text: 'a'.repeat(161) });
    expect(Object.keys(provider.sends[0]?.form ?? {}).sort()).toEqual([
      'message',
      'to',
      'username',
    ]);
    expect(result.segments).toBe(2);
    expect(result.cost).toBe('KES 1.6000');
  });

  it.each([
    [403, 'InvalidPhoneNumber (403)', false],
    [406, 'UserInBlacklist (406)', false],
    [402, 'InvalidSenderId (402)', false],
    [405, 'InsufficientBalance (405)', true],
    [500, 'InternalServerError (500)', true],
    [502, 'RejectedByGateway (502)', true],
  ])('maps recipient status %i to a refusal (%s, retryable %s)', async (code, reason, retry) => {
    const { provider, gateway } = await setUp();
    provider.failNext(1, { kind: 'recipient', statusCode: code });
    const error = await refusal(gateway.send(SMS));
    expect(error.message).toBe(`SMS provider refused +251911223344: ${reason}`);
    expect(error.retryable).toBe(retry);
    // The fault was used up: the next send goes through.
    await expect(gateway.send(SMS)).resolves.toMatchObject({ segments: 1 });
  });

  it('retries HTTP 5xx and 429, never another 4xx', async () => {
    const { provider, gateway } = await setUp();
    provider.failNext(1, { kind: 'http', status: 503, body: 'Service Unavailable' });
    provider.failNext(1, { kind: 'http', status: 429 });
    provider.failNext(1, { kind: 'http', status: 400, body: 'Invalid request' });
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) {
      const { message, retryable } = await refusal(gateway.send(SMS));
      outcomes.push({ message, retryable });
    }
    expect(outcomes).toEqual([
      { message: 'SMS provider answered HTTP 503: Service Unavailable', retryable: true },
      { message: 'SMS provider answered HTTP 429', retryable: true },
      { message: 'SMS provider answered HTTP 400: Invalid request', retryable: false },
    ]);
  });

  it('reads a 201 with no recipient as a refusal, and an unreadable 201 as retryable', async () => {
    const { provider, gateway } = await setUp();
    const noRecipient = { SMSMessageData: { Message: 'InvalidSenderId', Recipients: [] } };
    provider.failNext(1, { kind: 'http', status: 201, body: JSON.stringify(noRecipient) });
    provider.failNext(1, { kind: 'http', status: 201, body: '<html>gateway</html>' });
    provider.failNext(1, { kind: 'http', status: 201, body: '{"status":"ok"}' });
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) {
      const { message, retryable } = await refusal(gateway.send(SMS));
      outcomes.push({ message, retryable });
    }
    expect(outcomes).toEqual([
      { message: 'SMS provider took no recipient: InvalidSenderId', retryable: false },
      { message: 'SMS provider answered with a body that is not JSON', retryable: true },
      { message: 'SMS provider answered without SMSMessageData.Recipients', retryable: true },
    ]);
  });

  it('times out a provider that never answers, as retryable', async () => {
    const { provider, gateway } = await setUp({ timeoutMs: 200 });
    provider.failNext(1, { kind: 'hang' });
    const error = await refusal(gateway.send(SMS));
    expect(error.message).toBe('SMS provider did not answer within 200 ms');
    expect(error.retryable).toBe(true);
  });

  it('reports an unreachable provider as retryable', async () => {
    const { provider, gateway } = await setUp();
    await provider.close();
    const error = await refusal(gateway.send(SMS));
    expect(error.message).toMatch(/^SMS provider unreachable: fetch failed \(ECONNREFUSED\)$/);
    expect(error.retryable).toBe(true);
  });

  it('refuses for good on bad credentials, and never shows the API key', async () => {
    const { provider, gateway, lines } = await setUp({ apiKey: 'atsk_wrong_key_0123456789' });
    const error = await refusal(gateway.send(SMS));
    expect(error.message).toBe(
      'SMS provider refused the credentials (HTTP 401): The supplied authentication is invalid',
    );
    expect(error.retryable).toBe(false);
    expect(provider.sends[0]?.apiKey).toBe('atsk_wrong_key_0123456789');
    expect(lines.join('\n')).not.toContain('atsk_wrong_key_0123456789');
  });

  it('keeps the API key out of every error and log line, even when the provider echoes it', async () => {
    const { provider, gateway, lines } = await setUp({ timeoutMs: 200 });
    provider.failNext(1, { kind: 'http', status: 401, body: `bad key ${provider.apiKey}` });
    provider.failNext(1, { kind: 'http', status: 500, body: `key=${provider.apiKey}` });
    provider.failNext(1, { kind: 'recipient', statusCode: 403 });
    provider.failNext(1, { kind: 'hang' });
    const messages = [];
    for (let i = 0; i < 4; i += 1) messages.push((await refusal(gateway.send(SMS))).message);
    await gateway.send(SMS);
    expect(messages[0]).toBe('SMS provider refused the credentials (HTTP 401): bad key [redacted]');
    expect(messages[1]).toBe('SMS provider answered HTTP 500: key=[redacted]');
    expect(lines).toHaveLength(5);
    for (const text of [...messages, ...lines]) expect(text).not.toContain(provider.apiKey);
  });

  it('refuses a `to` that is not one E.164 number, before it reaches the provider', async () => {
    const { provider, gateway } = await setUp();
    for (const to of ['+251911223344,+251911000000', '251911223344', '+0123']) {
      const error = await refusal(gateway.send({ ...SMS, to }));
      expect(error.message).toBe(`not an E.164 number: ${JSON.stringify(to)}`);
      expect(error.retryable).toBe(false);
    }
    expect(provider.sends).toEqual([]);
  });

  it('aborts a send in flight on close, and refuses sends after it', async () => {
    const { provider, gateway } = await setUp();
    provider.failNext(1, { kind: 'hang' });
    const pending = refusal(gateway.send(SMS));
    await waitFor(() => provider.sends.length === 1);
    await gateway.close();
    expect((await pending).message).toBe('SMS send aborted: the gateway closed');
    expect((await refusal(gateway.send(SMS))).message).toBe('HTTP SMS gateway is closed');
  });
});

describe('createHttpSmsGateway: callbacks', () => {
  it('turns the provider’s delivery reports into receipts on onReceipt', async () => {
    const { provider, gateway } = await setUp();
    const receipts: DeliveryReceipt[] = [];
    gateway.onReceipt((receipt) => receipts.push(receipt));
    const callbacks = await startCallbackServer(gateway);
    const delivered = (await gateway.send(SMS)).gatewayMessageIds[0] ?? '';
    const failed = (await gateway.send({ ...SMS, messageId: 'out-2' })).gatewayMessageIds[0] ?? '';

    const answers = [
      await provider.postDeliveryReport(callbacks.deliveryUrl, {
        id: delivered,
        status: 'Buffered',
      }),
      await provider.postDeliveryReport(callbacks.deliveryUrl, {
        id: delivered,
        status: 'Success',
      }),
      await provider.postDeliveryReport(callbacks.deliveryUrl, {
        id: failed,
        status: 'Failed',
        failureReason: 'UserInBlackList',
      }),
    ];
    expect(answers).toEqual([
      { status: 200, body: 'ok' },
      { status: 200, body: 'ok' },
      { status: 200, body: 'ok' },
    ]);
    expect(receipts).toEqual([
      { gatewayMessageId: delivered, state: 'delivered', at: new Date(NOW) },
      {
        gatewayMessageId: failed,
        state: 'failed',
        at: new Date(NOW),
        detail: 'Failed: UserInBlackList',
      },
    ]);
  });

  it('turns the provider’s incoming messages into inbound SMS on onInbound', async () => {
    const { provider, gateway } = await setUp();
    const inbound: InboundSms[] = [];
    gateway.onInbound((sms) => inbound.push(sms));
    const callbacks = await startCallbackServer(gateway);
    const answer = await provider.postInbound(callbacks.inboundUrl, {
      from: '251911223344',
      to: '22384',
      text: 'DONE 25',
      date: '2026-12-03 10:15:00',
      id: 'in-77',
      linkId: 'link-9',
    });
    expect(answer).toEqual({ status: 200, body: 'ok' });
    expect(inbound).toEqual([
      {
        from: '+251911223344',
        to: '22384',
        text: 'DONE 25',
        receivedAt: new Date('2026-12-03T10:15:00Z'),
        providerMessageId: 'in-77',
        linkId: 'link-9',
      },
    ]);
  });

  it('rejects malformed callbacks with a clear error and emits nothing', async () => {
    const { provider, gateway } = await setUp();
    let emitted = 0;
    gateway.onReceipt(() => (emitted += 1));
    gateway.onInbound(() => (emitted += 1));
    const callbacks = await startCallbackServer(gateway);
    const badStatus = await provider.postDeliveryReport(callbacks.deliveryUrl, {
      id: 'ATXid_1',
      status: 'Delivered',
    });
    const noFrom = await provider.postInbound(callbacks.inboundUrl, {
      from: 'not-a-phone',
      to: '22384',
      text: 'HELP',
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body).toMatch(
      /^INVALID_REQUEST: malformed delivery report callback: .*status/,
    );
    expect(noFrom.status).toBe(400);
    expect(noFrom.body).toMatch(/^INVALID_REQUEST: malformed inbound message callback: .*from/);
    expect(emitted).toBe(0);
  });
});

/** The small HTTP server the API will be: reads the form, hands it to the gateway. */
async function startCallbackServer(gateway: HttpSmsGateway) {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      try {
        if (request.url === '/sms/delivery-reports') gateway.acceptDeliveryReport(form);
        else gateway.acceptInbound(form);
        response.writeHead(200).end('ok');
      } catch (error) {
        if (!isShambaError(error)) throw error;
        response.writeHead(400).end(`${error.code}: ${error.message}`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { deliveryUrl: `${base}/sms/delivery-reports`, inboundUrl: `${base}/sms/inbound` };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}
