import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSmsGateway, type OpenedGateway } from '@shamba/delivery';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

// The HTTP provider's callbacks through the real gateway adapter (Africa's Talking's form fields,
// see delivery/src/gateways/http-provider/callbacks.ts): no bearer token, the secret in the path.
describe('POST /v1/sms/callbacks/{token}/...', () => {
  let registry: Registry;
  let store: TimeSeriesStore;
  let opened: OpenedGateway;
  let app: ReturnType<typeof createApp>;
  const inbound: unknown[] = [];
  const post = (path: string, form: Record<string, string>) =>
    app.request(`/v1/sms/callbacks${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-sms-callbacks-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    // Opening an HTTP provider connects nowhere until a message is sent.
    opened = await openSmsGateway({
      url: 'https://sandbox:a-key@api.sandbox.africastalking.com',
      logger: pino({ level: 'silent' }),
    });
    opened.gateway.onInbound((sms) => inbound.push(sms.text));
    app = createApp({
      registry,
      store,
      health: async () => ({}),
      delivery: {
        gatewayName: 'http',
        limits: { perFarmerPerDay: 3, segmentsPerMonth: 1000 },
        callbacks: { token: 'the-secret', accept: opened.callbacks! },
      },
    });
  });
  afterAll(async () => {
    await opened.gateway.close();
    await registry.close();
    await store.close();
  });

  it('takes a delivery report and a reply with the secret and no token; a wrong secret is a 404', async () => {
    const report = await post('/the-secret/delivery-reports', { id: 'ATXid_1', status: 'Success' });
    expect([report.status, await report.json()]).toEqual([200, { accepted: true, final: true }]);
    const onItsWay = await post('/the-secret/delivery-reports', { id: 'ATXid_1', status: 'Sent' });
    expect(await onItsWay.json()).toEqual({ accepted: true, final: false });
    const reply = await post('/the-secret/inbound', {
      from: '+251911000001',
      to: '12345',
      text: 'DONE',
      id: 'in-1',
    });
    expect([reply.status, await reply.json()]).toEqual([200, { accepted: true }]);
    expect(inbound).toEqual(['DONE']);
    const wrong = await post('/not-the-secret/inbound', {
      from: '+251911000001',
      to: '1',
      text: 'x',
    });
    expect([wrong.status, await wrong.json()]).toEqual([
      404,
      problem('NOT_FOUND', 'no route POST /v1/sms/callbacks/not-the-secret/inbound'),
    ]);
    expect(inbound).toEqual(['DONE']);
  });

  it('is declared form-encoded and needing no bearer token', async () => {
    const document = (await (await app.request('/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown }>>;
    };
    for (const path of [
      '/v1/sms/callbacks/{token}/delivery-reports',
      '/v1/sms/callbacks/{token}/inbound',
    ]) {
      const operation = document.paths[path]?.post;
      expect([path, operation?.security, operation?.requestBody]).toEqual([
        path,
        [],
        expect.objectContaining({
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        }),
      ]);
    }
  });
});
