import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { InboundMessage, OutboxMessage } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { tokenDigest, type Registry } from '@shamba/storage';
import { createApp } from '../app.js';
import { cursorOf } from '../http/pagination.js';
import { problem } from '../testing/problem.js';

const NOW = Date.parse('2026-11-20T09:00:00Z');

/** A sent SMS to farmer-1, created `ageMs` before NOW. */
const message = (id: string, ageMs: number): OutboxMessage => ({
  id,
  coopId: 'coop-a',
  farmerId: 'farmer-1',
  channel: 'sms',
  to: '+251911000001',
  purpose: 'prescription',
  fieldId: 'field-1',
  prescriptionId: `p-${id}`,
  prescriptionKind: 'irrigation',
  dedupeKey: `prescription:p-${id}:farmer-1:sms`,
  text: `advice ${id}`,
  language: 'om',
  encoding: 'GSM-7',
  segments: 1,
  state: 'sent',
  attempts: 1,
  notBeforeMs: NOW - ageMs,
  createdMs: NOW - ageMs,
  sentMs: NOW - ageMs + 10,
  deliveredMs: null,
  gateway: 'outbox',
  gatewayIds: [],
  error: null,
});

const reply = (id: string, ageMs: number): InboundMessage => ({
  id,
  from: '+251911000001',
  text: 'DONE',
  receivedMs: NOW - ageMs,
  coopId: 'coop-a',
  farmerId: 'farmer-1',
  command: 'done',
  outcome: 'recorded as applied',
});

describe('GET /v1/coops/{id}/messages and /replies', () => {
  let stores: TempStores;
  let registry: Registry;
  let app: ReturnType<typeof createApp>;
  // Newest first; m-2 and m-3 share a millisecond (ordered by id).
  const messages = [message('m-1', 1000), message('m-2', 2000), message('m-3', 2000)];
  const replies = [reply('r-1', 100), reply('r-2', 200), reply('r-3', 300)];

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-messages-');
    ({ registry } = stores);
    await registry.coops.upsert(coopFixture());
    for (const [token, coopId] of [
      ['manager-a', 'coop-a'],
      ['manager-b', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role: 'manager', coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    for (const m of [...messages].reverse()) await registry.messages.enqueue(m);
    for (const r of [...replies].reverse()) await registry.inbound.add(r);
    app = createApp({ registry, store: stores.store, health: async () => ({}), clock: () => NOW });
  });
  afterAll(async () => {
    await stores.close();
  });

  const get = async (path: string, token = 'manager-a') => {
    const response = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('walks the outbox newest first in two pages, the month beside each', async () => {
    const first = await get('/v1/coops/coop-a/messages?limit=2');
    const month = {
      startMs: Date.parse('2026-10-31T21:00:00Z'), // 1 November in Addis Ababa
      messages: 3,
      segments: 3,
      budgetSegments: null,
      budgetSpent: false,
    };
    expect(first).toEqual({
      status: 200,
      body: {
        coopId: 'coop-a',
        gateway: 'outbox',
        month,
        messages: messages.slice(0, 2),
        next: cursorOf([NOW - 2000, 'm-2']),
      },
    });
    const second = await get(
      `/v1/coops/coop-a/messages?limit=2&cursor=${first.body.next as string}`,
    );
    expect([second.body.messages, second.body.next, second.body.month]).toEqual([
      [messages[2]],
      null,
      month,
    ]);
    const none = await get('/v1/coops/coop-a/messages?farmerId=farmer-2');
    expect([none.body.messages, none.body.next]).toEqual([[], null]);
  });

  it('walks the replies newest first in two pages', async () => {
    const first = await get('/v1/coops/coop-a/replies?limit=2');
    expect(first).toEqual({
      status: 200,
      body: {
        coopId: 'coop-a',
        replies: replies.slice(0, 2),
        next: cursorOf([NOW - 200, 'r-2']),
      },
    });
    const second = await get(
      `/v1/coops/coop-a/replies?limit=2&cursor=${first.body.next as string}`,
    );
    expect(second.body).toEqual({ coopId: 'coop-a', replies: [replies[2]], next: null });
  });

  it("refuses another cooperative's staff, a bad page and a cursor it did not give", async () => {
    expect(await get('/v1/coops/coop-a/replies', 'manager-b')).toEqual({
      status: 404,
      body: problem('NOT_FOUND', expect.any(String)),
    });
    for (const query of ['limit=0', 'limit=501', 'cursor=%7B']) {
      const { status, body } = await get(`/v1/coops/coop-a/messages?${query}`);
      expect([query, status, body.code]).toEqual([query, 400, 'INVALID_REQUEST']);
    }
  });
});
