/**
 * A real HTTP peer on 127.0.0.1 (port 0) that speaks Africa's Talking's SMS API, for tests of the
 * HTTP gateway adapter: POST /version1/messaging (form-encoded; `apiKey` header) answers 201 with
 * `SMSMessageData.Recipients[]`, wrong credentials answer 401, and the provider's callbacks
 * (delivery reports, incoming messages) are POSTed form-encoded to a URL the test names.
 * It keeps its own status table on purpose: an independent peer, not the adapter's mirror.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SegmentedMessage } from 'sms-segments-calculator';
import { AT_STATUS_NAMES } from '../gateways/http-provider/provider-api.js';

/** What a refused recipient reports, by status code: the provider's own names. */
const REFUSALS = AT_STATUS_NAMES;
const PHONE = /^\+?\d{7,15}$/;

export interface ProviderRecipient {
  statusCode: number;
  status: string;
  messageId: string;
  cost: string;
  number: string;
  messageParts?: number;
}

/** One request the provider received on its send endpoint, and what it answered. */
export interface RecordedSend {
  form: Record<string, string>;
  /** The `apiKey` header as received. */
  apiKey: string | undefined;
  accept: string | undefined;
  contentType: string | undefined;
  status: number;
  recipients: ProviderRecipient[];
}

/** What the next sends meet instead of a normal answer. */
export type ProviderFault =
  /** The whole request fails with this HTTP status (500, 503, 401, 429...). */
  | { kind: 'http'; status: number; body?: string }
  /** Every recipient gets this status code (403 invalid number, 405 insufficient balance...). */
  | { kind: 'recipient'; statusCode: number }
  /** The provider never answers (the client's timeout has to fire). */
  | { kind: 'hang' };

export interface CallbackAnswer {
  status: number;
  body: string;
}

export interface SmsProvider {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** http://USERNAME:APIKEY@127.0.0.1:PORT, the CLI's form. */
  gatewayUrl: string;
  username: string;
  apiKey: string;
  /** Every send request received, in order. */
  sends: RecordedSend[];
  /** The next `count` send requests meet `fault`. */
  failNext(count: number, fault: ProviderFault): void;
  /** POSTs a delivery report (AT fields) to the callback URL; `phoneNumber` from the send. */
  postDeliveryReport(
    callbackUrl: string,
    report: { id: string; status: string } & Partial<Record<string, string>>,
  ): Promise<CallbackAnswer>;
  /** POSTs an incoming message (AT fields) to the callback URL. */
  postInbound(
    callbackUrl: string,
    message: { from: string; to: string; text: string } & Partial<Record<string, string>>,
  ): Promise<CallbackAnswer>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startSmsProvider(
  options: { username?: string; apiKey?: string } = {},
): Promise<SmsProvider> {
  const username = options.username ?? 'shamba-coop';
  const apiKey = options.apiKey ?? `atsk_${randomBytes(24).toString('hex')}`;
  const sends: RecordedSend[] = [];
  const faults: ProviderFault[] = [];
  const numbersById = new Map<string, string>();

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || request.url !== '/version1/messaging') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(await readBody(request)));
    const sent: RecordedSend = {
      form,
      apiKey: header(request, 'apikey'),
      accept: header(request, 'accept'),
      contentType: header(request, 'content-type'),
      status: 0,
      recipients: [],
    };
    sends.push(sent);
    const fault = faults.shift();
    if (fault?.kind === 'hang') return; // never answers; close() drops the socket
    if (fault?.kind === 'http') return answer(response, sent, fault.status, fault.body ?? '');
    if (sent.apiKey !== apiKey || form.username !== username) {
      return answer(response, sent, 401, 'The supplied authentication is invalid');
    }
    if (form.to === undefined || form.message === undefined) {
      return answer(response, sent, 400, 'Request is missing required form field to or message');
    }
    sent.recipients = form.to.split(',').map((number) => {
      const statusCode = fault?.kind === 'recipient' ? fault.statusCode : undefined;
      return recipient(number.trim(), form.message ?? '', statusCode);
    });
    const taken = sent.recipients.filter((entry) => entry.statusCode < 200).length;
    const body = {
      SMSMessageData: {
        Message: `Sent to ${taken}/${sent.recipients.length}`,
        Recipients: sent.recipients,
      },
    };
    answer(response, sent, 201, JSON.stringify(body), 'application/json');
  }

  function recipient(number: string, text: string, statusCode?: number): ProviderRecipient {
    const code = statusCode ?? (PHONE.test(number) ? 101 : 403);
    if (code >= 200) {
      const status = REFUSALS[code] ?? 'Failed';
      return { statusCode: code, status, messageId: 'None', cost: '0', number };
    }
    const messageId = `ATXid_${randomBytes(16).toString('hex')}`;
    numbersById.set(messageId, number);
    const messageParts = new SegmentedMessage(text).segmentsCount;
    const cost = `KES ${(0.8 * messageParts).toFixed(4)}`;
    return { statusCode: code, status: 'Success', messageId, cost, number, messageParts };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  async function close(): Promise<void> {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return {
    baseUrl,
    gatewayUrl: `http://${encodeURIComponent(username)}:${encodeURIComponent(apiKey)}@127.0.0.1:${port}`,
    username,
    apiKey,
    sends,
    failNext(count, fault) {
      for (let i = 0; i < count; i += 1) faults.push(fault);
    },
    postDeliveryReport(callbackUrl, report) {
      const phoneNumber = numbersById.get(report.id);
      const fields = {
        networkCode: '63902',
        retryCount: '0',
        ...(phoneNumber === undefined ? {} : { phoneNumber }),
        ...report,
      };
      return postForm(callbackUrl, fields);
    },
    postInbound(callbackUrl, message) {
      const fields = {
        date: new Date().toISOString(),
        id: `${randomBytes(8).toString('hex')}`,
        linkId: `${randomBytes(8).toString('hex')}`,
        ...message,
      };
      return postForm(callbackUrl, fields);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function answer(
  response: ServerResponse,
  sent: RecordedSend,
  status: number,
  body: string,
  contentType = 'text/plain',
): void {
  sent.status = status;
  response.writeHead(status, { 'content-type': contentType }).end(body);
}

async function postForm(url: string, fields: Record<string, string | undefined>) {
  const defined = Object.entries(fields).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(defined).toString(),
  });
  return { status: response.status, body: await response.text() };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
