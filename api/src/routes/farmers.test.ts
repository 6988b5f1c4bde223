import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Farmer, OutboxMessage, Principal } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { tokenDigest, type Registry } from '@shamba/storage';
import { createApp } from '../app.js';

const NOW = Date.parse('2026-11-20T08:00:00Z');

const TOKENS: Record<string, Principal> = {
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agro A' },
  'farmer-1': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
};

const CHALTU = {
  id: 'farmer-chaltu',
  name: 'Chaltu Gemechu',
  phone: '+251911000101',
  language: 'om',
  consent: { state: 'opted-in', source: 'signed form 14' },
};

describe('/v1/coops/{id}/farmers and /messages', () => {
  let stores: TempStores;
  let registry: Registry;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-farmers-');
    ({ registry } = stores);
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert({ ...coopFixture(), id: 'coop-b', name: 'Coop B' });
    app = createApp({
      registry,
      store: stores.store,
      health: async () => ({}),
      clock: () => NOW,
      delivery: { gatewayName: 'smpp', limits: { perFarmerPerDay: 3, segmentsPerMonth: 1000 } },
    });
  });
  afterAll(async () => stores.close());

  const call = (token: string, method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('adds a farmer with consent stamped by who recorded it and when, with the defaults written out', async () => {
    const res = await call('manager-a', 'POST', '/v1/coops/coop-a/farmers', CHALTU);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/v1/coops/coop-a/farmers/farmer-chaltu');
    const expected: Farmer = {
      ...CHALTU,
      coopId: 'coop-a',
      channel: 'sms',
      quietHours: { start: '20:00', end: '06:00' },
      consent: {
        state: 'opted-in',
        at: '2026-11-20T08:00:00.000Z',
        source: 'api:Manager A: signed form 14',
      },
    };
    expect(await res.json()).toEqual({ farmer: expected });
    const list = await call('agronomist-a', 'GET', '/v1/coops/coop-a/farmers');
    expect(await list.json()).toEqual({ coopId: 'coop-a', farmers: [expected], next: null });
  });

  it('refuses a bad phone, a taken id, an agronomist editing and another cooperative', async () => {
    const bad = await call('manager-a', 'POST', '/v1/coops/coop-a/farmers', {
      ...CHALTU,
      id: 'farmer-x',
      phone: '0911000101',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('E.164');
    const taken = await call('manager-b', 'POST', '/v1/coops/coop-b/farmers', CHALTU);
    expect(taken.status).toBe(400);
    expect(((await taken.json()) as { detail: string }).detail).toContain('taken');
    // A phone another cooperative registered would send its farmer's replies to the wrong one.
    const phone = await call('manager-b', 'POST', '/v1/coops/coop-b/farmers', {
      ...CHALTU,
      id: 'farmer-y',
    });
    expect(phone.status).toBe(400);
    expect(JSON.stringify(await phone.json())).toContain('another cooperative');
    const noCard = await call('manager-a', 'POST', '/v1/coops/coop-a/farmers', {
      ...CHALTU,
      id: 'farmer-z',
      channel: 'beidou',
    });
    expect(noCard.status).toBe(400);
    expect(JSON.stringify(await noCard.json())).toContain('beidouCardId');
    const agronomist = await call(
      'agronomist-a',
      'PATCH',
      '/v1/coops/coop-a/farmers/farmer-chaltu',
      {
        language: 'am',
      },
    );
    expect(agronomist.status).toBe(403);
    // Another cooperative's farmer, and its list, are not found (never confirmed to exist).
    expect((await call('manager-b', 'GET', '/v1/coops/coop-a/farmers')).status).toBe(404);
    expect((await call('manager-b', 'GET', '/v1/coops/coop-b/farmers/farmer-chaltu')).status).toBe(
      404,
    );
    expect((await call('farmer-1', 'GET', '/v1/coops/coop-a/farmers')).status).toBe(403);
  });

  it('changes a farmer’s language, channel and consent; an opt-out is stamped too', async () => {
    const res = await call('manager-a', 'PATCH', '/v1/coops/coop-a/farmers/farmer-chaltu', {
      language: 'am',
      quietHours: { start: '21:00', end: '05:30' },
      consent: { state: 'opted-out' },
    });
    expect(res.status).toBe(200);
    const { farmer } = (await res.json()) as { farmer: Farmer };
    expect(farmer).toMatchObject({
      language: 'am',
      quietHours: { start: '21:00', end: '05:30' },
      consent: { state: 'opted-out', at: '2026-11-20T08:00:00.000Z', source: 'api:Manager A' },
    });
    expect(await registry.farmers.get('farmer-chaltu')).toEqual({ ...farmer, channel: undefined });
    const empty = await call('manager-a', 'PATCH', '/v1/coops/coop-a/farmers/farmer-chaltu', {});
    expect(empty.status).toBe(400);
  });

  it('shows the outbox with this month’s spend against the budget, to staff only', async () => {
    const message: OutboxMessage = {
      id: 'm-1',
      coopId: 'coop-a',
      farmerId: 'farmer-chaltu',
      channel: 'sms',
      to: CHALTU.phone,
      purpose: 'prescription',
      fieldId: 'f-1',
      prescriptionId: 'p-1',
      prescriptionKind: 'irrigation',
      dedupeKey: 'prescription:p-1:farmer-chaltu:sms',
      text: 'x',
      language: 'om',
      encoding: 'GSM-7',
      segments: 2,
      state: 'sent',
      attempts: 1,
      notBeforeMs: NOW - 1000,
      createdMs: NOW - 1000,
      sentMs: NOW - 500,
      deliveredMs: null,
      gateway: 'smpp',
      gatewayIds: ['g-1'],
      error: null,
    };
    await registry.messages.enqueue(message);
    const res = await call('manager-a', 'GET', '/v1/coops/coop-a/messages');
    expect(await res.json()).toEqual({
      coopId: 'coop-a',
      gateway: 'smpp',
      month: {
        startMs: Date.parse('2026-10-31T21:00:00Z'), // 1 November in Addis Ababa
        messages: 1,
        segments: 2,
        budgetSegments: 1000,
        budgetSpent: false,
      },
      messages: [message],
      next: null,
    });
    expect((await call('manager-b', 'GET', '/v1/coops/coop-a/messages')).status).toBe(404);
    expect((await call('manager-a', 'GET', '/v1/coops/coop-a/messages?limit=0')).status).toBe(400);
  });
});
