import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NitrogenPrescription, Principal, StoredReading } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest } from '@shamba/storage';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createApp } from '../app.js';
import { bearerAuth, type AppEnv } from '../auth/bearer-auth.js';
import { createSessionStore, type SessionStore } from '../auth/sessions.js';
import { errorResponse } from '../http/errors.js';
import { createLiveFeed, type LiveFeed } from '../live/live-feed.js';
import { openSse, type SseStream } from '../live/sse-test-client.js';
import { eventRoutes } from './events.js';

/** Quick loops so a test waits tens of milliseconds, not the production seconds. */
const POLL_MS = 25;
const HEARTBEAT_MS = 150;
const SILENT_AFTER_MS = 600;
/** Room for two people's three streams each (the per-credential default) in a cooperative. */
const MAX_STREAMS_PER_COOP = 6;
const PER_KEY = 3;

let stores: TempStores;
let server: ServerType;
let base: string;
let sessionId: string;
let feed: LiveFeed;
let sessions: SessionStore;
const opened: SseStream[] = [];
/** Tokens that tests revoke, by name. */
const revocable: Record<string, string> = {};

beforeAll(async () => {
  stores = await openTempStores('shamba-events-');
  const { registry, store } = stores;
  await registry.coops.upsert(coopFixture());
  await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
  await registry.fields.upsert(fieldFixture());
  await registry.fields.upsert(fieldFixture({ id: 'field-2', farmerId: 'farmer-2' }));
  await registry.fields.upsert(fieldFixture({ id: 'field-3', farmerId: 'farmer-1' }));
  const device = { coopId: 'coop-a', zoneId: null, kind: 'soil-probe', secretHash: '' } as const;
  await registry.devices.upsert({ ...device, id: 'probe-1', fieldId: 'field-1' });
  await registry.devices.upsert({ ...device, id: 'probe-2', fieldId: 'field-2' });
  await registry.devices.upsert({ ...device, id: 'quiet-1', fieldId: 'field-1' });
  await registry.devices.upsert({ ...device, id: 'probe-3', fieldId: 'field-3' });
  const staff: Principal = { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'S' };
  const users: Record<string, Principal> = {
    'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'M' },
    'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'MB' },
    'farmer-1': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'F' },
    'staff-1': staff,
    'staff-2': staff,
    'staff-3': staff,
    'revoke-me': staff,
  };
  for (const [token, principal] of Object.entries(users)) {
    const options = { createdMs: 0, expiresMs: null };
    revocable[token] = (await registry.tokens.add(tokenDigest(token), principal, options)).id;
  }
  feed = createLiveFeed({
    registry,
    store,
    pollIntervalMs: POLL_MS,
    silentAfterMs: SILENT_AFTER_MS,
    maxStreamsPerCoop: MAX_STREAMS_PER_COOP,
  });
  sessions = createSessionStore(registry);
  sessionId = sessions.create(tokenDigest('manager-a')).id;
  // The API's own middleware and error mapping around the route, with test-speed loops.
  const app = new Hono()
    .route(
      '/v1',
      new Hono<AppEnv>()
        .use(bearerAuth(registry, { sessions }))
        .route('/', eventRoutes({ registry, store, heartbeatMs: HEARTBEAT_MS, feed })),
    )
    .onError((error, c) => errorResponse(error, c));
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const stream of opened.splice(0)) stream.close();
  // The server lets go of them too, so that each test starts with every allowance free.
  await expect.poll(() => feed.streams('coop-a') + feed.streams('coop-b')).toBe(0);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await stores.close();
});

async function open(coopId: string, headers: Record<string, string>): Promise<SseStream> {
  const stream = await openSse(`${base}/v1/coops/${coopId}/events`, headers);
  opened.push(stream);
  return stream;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = () => ({ cookie: `shamba_session=${sessionId}` });

function reading(deviceId: string, fieldId: string, stream: StoredReading['stream'] = 'soil') {
  const timeMs = Date.now() - 1_000;
  return {
    deviceId,
    stream,
    timeMs,
    seq: 7,
    values: { vwc10: 0.21 },
    coopId: 'coop-a',
    fieldId,
    zoneId: null,
    receivedMs: Date.now(),
  } satisfies StoredReading;
}

describe('GET /v1/coops/:coopId/events', () => {
  it('streams a reading written to the store, to a browser signed in by its cookie', async () => {
    const stream = await open('coop-a', cookie());
    expect(stream.status).toBe(200);
    expect(stream.type).toBe('text/event-stream');
    const written = reading('probe-1', 'field-1');
    await stores.store.write([written]);
    const event = await stream.next((e) => e.event === 'reading');
    expect(event.data).toEqual({
      deviceId: 'probe-1',
      stream: 'soil',
      time: new Date(written.timeMs).toISOString(),
      timeMs: written.timeMs,
    });
    // Idle, it keeps the connection alive with comments.
    await expect.poll(() => stream.text().includes(': heartbeat'), { timeout: 2_000 }).toBe(true);
  });

  it('streams new prescriptions, dead letters and devices gone silent', async () => {
    const stream = await open('coop-a', bearer('manager-a'));
    const prescription: NitrogenPrescription = {
      id: 'rx-live-1',
      fieldId: 'field-2',
      coopId: 'coop-a',
      createdAtMs: Date.now(),
      asOfMs: Date.now(),
      summary: '',
      parameters: {},
      provenance: {
        rule: { name: 'r', version: '1' },
        parameterSet: 'built-in',
        sceneId: null,
        forecastIssuedAt: null,
      },
      inputs: { fromMs: 0, toMs: 0, readingCount: 0, deviceIds: [] },
      steps: [],
      kind: 'nitrogen',
      action: 'none',
      nKgHa: 0,
      zones: [],
      revision: { number: 1, previousId: null, reasons: ['first'], changes: [] },
    };
    await stores.registry.prescriptions.add(prescription);
    expect((await stream.next((e) => e.event === 'prescription')).data).toMatchObject({
      id: 'rx-live-1',
      fieldId: 'field-2',
      fieldName: 'Lower maize',
      kind: 'nitrogen',
    });
    await stores.registry.deadLetters.add({
      receivedMs: Date.now(),
      deviceId: 'probe-2',
      coopId: 'coop-a',
      topic: 'shamba/v1/coop-a/probe-2/up/soil',
      code: 'OUT_OF_RANGE',
      reason: 'vwc10 1.7 is above 1',
      payload: Uint8Array.of(1, 2),
    });
    const letter = await stream.next((e) => e.event === 'alert' && e.data.kind === 'dead-letter');
    expect(letter.data).toEqual({
      kind: 'dead-letter',
      deviceId: 'probe-2',
      code: 'OUT_OF_RANGE',
      reason: 'vwc10 1.7 is above 1',
      count: 1,
    });
    const last = reading('quiet-1', 'field-1');
    await stores.store.write([last]);
    const silent = await stream.next(
      (e) => e.event === 'alert' && e.data.kind === 'silent' && e.data.deviceId === 'quiet-1',
    );
    expect(silent.data).toEqual({
      kind: 'silent',
      deviceId: 'quiet-1',
      lastSeen: new Date(last.timeMs).toISOString(),
    });
  });

  it("gives a farmer their own fields' events only", async () => {
    const farmer = await open('coop-a', bearer('farmer-1'));
    const manager = await open('coop-a', bearer('manager-a'));
    expect(farmer.status).toBe(200);
    await stores.store.write([reading('probe-2', 'field-2')]);
    await manager.next((e) => e.event === 'reading' && e.data.deviceId === 'probe-2');
    await stores.store.write([reading('probe-1', 'field-1', 'status')]);
    await farmer.next((e) => e.event === 'reading' && e.data.deviceId === 'probe-1');
    await manager.next((e) => e.event === 'reading' && e.data.deviceId === 'probe-1');
    expect(farmer.text()).not.toContain('probe-2');
  });

  it("answers 404 for another cooperative's stream", async () => {
    expect((await open('coop-a', bearer('manager-b'))).status).toBe(404);
    expect((await open('coop-b', bearer('farmer-1'))).status).toBe(404);
    expect((await open('coop-z', bearer('manager-a'))).status).toBe(404);
    expect((await open('coop-a', {})).status).toBe(401);
  });

  it('ends a stream at the next heartbeat once its token is revoked', async () => {
    const stream = await open('coop-a', bearer('revoke-me'));
    // While the token works, heartbeats ask and the stream goes on.
    await expect.poll(() => stream.text().includes(': heartbeat'), { timeout: 2_000 }).toBe(true);
    expect(stream.ended()).toBe(false);
    expect(await stores.registry.tokens.revoke(revocable['revoke-me']!, Date.now())).toBe(true);
    await expect.poll(() => stream.ended(), { timeout: HEARTBEAT_MS * 5 }).toBe(true);
    expect(stream.text()).toMatch(/event: end\ndata: \{"reason":"signed-out"\}\n\n$/);
    expect((await open('coop-a', bearer('revoke-me'))).status).toBe(401);
  });

  it('ends a stream opened with the session cookie once the session ends', async () => {
    const session = sessions.create(tokenDigest('manager-a'));
    const stream = await open('coop-a', { cookie: `shamba_session=${session.id}` });
    await expect.poll(() => stream.text().includes(': heartbeat'), { timeout: 2_000 }).toBe(true);
    expect(stream.ended()).toBe(false);
    sessions.end(session.id);
    await expect.poll(() => stream.ended(), { timeout: HEARTBEAT_MS * 5 }).toBe(true);
    expect(stream.text()).toContain('"reason":"signed-out"');
  });

  it('stops streaming a field reassigned away from the farmer', async () => {
    const farmer = await open('coop-a', bearer('farmer-1'));
    await stores.store.write([reading('probe-3', 'field-3')]);
    await farmer.next((e) => e.event === 'reading' && e.data.deviceId === 'probe-3');
    await stores.registry.fields.upsert(fieldFixture({ id: 'field-3', farmerId: 'farmer-2' }));
    // Two heartbeats on: the audience has been read again since the field changed hands.
    const beats = () => farmer.text().split(': heartbeat').length;
    const before = beats();
    await expect.poll(beats, { timeout: 2_000 }).toBeGreaterThanOrEqual(before + 2);
    await stores.store.write([reading('probe-3', 'field-3', 'status')]);
    await stores.store.write([reading('probe-1', 'field-1', 'status')]);
    await farmer.next((e) => e.event === 'reading' && e.data.deviceId === 'probe-1');
    const probe3 = farmer.text().match(/^event: reading\ndata: \{"deviceId":"probe-3"/gm);
    expect(probe3, farmer.text()).toHaveLength(1);
    expect(farmer.ended()).toBe(false);
  });

  it("replaces a credential's oldest stream with its fourth, and stops its reconnection", async () => {
    const streams: SseStream[] = [];
    for (let i = 0; i <= PER_KEY; i++) streams.push(await open('coop-a', bearer('staff-1')));
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const [first, ...rest] = streams;
    await expect.poll(() => first!.ended()).toBe(true);
    expect(first!.text()).toMatch(
      /event: end\ndata: \{"reason":"replaced"\}\nid: r\.[0-9a-f-]{36}\n\n$/,
    );
    expect(rest.map((s) => s.ended())).toEqual([false, false, false]);
    expect(feed.streamsOf(tokenDigest('staff-1'))).toBe(PER_KEY);
    // Its EventSource reconnects with the id it was given: told to stop (204), not let in to
    // replace the next one.
    const id = /^id: (r\..+)$/m.exec(first!.text())?.[1];
    expect(id).toMatch(/^r\.[0-9a-f-]{36}$/);
    const again = await open('coop-a', { ...bearer('staff-1'), 'last-event-id': id! });
    expect(again.status).toBe(204);
    expect(rest.map((s) => s.ended())).toEqual([false, false, false]);
    // Another stream's id is no pass: a plain reconnection is let in (and replaces the oldest).
    const other = /^id: (.+)$/m.exec(rest[0]!.text())?.[1];
    expect((await open('coop-a', { ...bearer('staff-1'), 'last-event-id': other! })).status).toBe(
      200,
    );
  });

  it('resumes from Last-Event-ID with what was missed, and says so when it cannot', async () => {
    const stream = await open('coop-a', bearer('manager-a'));
    await stores.store.write([reading('probe-1', 'field-1')]);
    const seen = await stream.next((e) => e.event === 'reading');
    expect(seen.id).toMatch(/^e\.[0-9a-f]{8}\.\d+$/);
    stream.close();
    // While the client is away (a phone between cells), a device reports and one is disabled.
    const missed = reading('probe-2', 'field-2');
    await stores.store.write([missed]);
    const probe3 = (await stores.registry.devices.get('probe-3'))!;
    await stores.registry.devices.upsert({ ...probe3, disabledMs: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, POLL_MS * 3));
    const back = await open('coop-a', { ...bearer('manager-a'), 'last-event-id': seen.id! });
    expect((await back.next((e) => e.event === 'reading')).data).toMatchObject({
      deviceId: 'probe-2',
      timeMs: missed.timeMs,
    });
    expect((await back.next((e) => e.event === 'device')).data).toEqual({
      deviceId: 'probe-3',
      state: 'disabled',
    });
    expect(back.text()).not.toContain('event: reset');
    await stores.registry.devices.upsert(probe3);
    // An id this process never gave (from before a restart): a `reset`, then live events.
    const stale = await open('coop-a', { ...bearer('manager-a'), 'last-event-id': 'e.0000.9' });
    expect((await stale.next((e) => e.event === 'reset')).data).toEqual({
      lastEventId: 'e.0000.9',
    });
  });

  it("never lets one farmer's streams lock a manager out of the cooperative", async () => {
    const farmer: SseStream[] = [];
    for (let i = 0; i < 20; i++) farmer.push(await open('coop-a', bearer('farmer-1')));
    expect(farmer.every((s) => s.status === 200)).toBe(true);
    expect(feed.streamsOf(tokenDigest('farmer-1'))).toBe(PER_KEY);
    expect(feed.streams('coop-a')).toBe(PER_KEY);
    await expect.poll(() => farmer.filter((s) => !s.ended()).length).toBe(PER_KEY);
    const manager = await open('coop-a', bearer('manager-a'));
    expect(manager.status).toBe(200);
    await stores.store.write([reading('probe-2', 'field-2')]);
    await manager.next((e) => e.event === 'reading' && e.data.deviceId === 'probe-2');
  });

  it('keeps a cap per cooperative as a backstop, and frees a place when a stream closes', async () => {
    const streams: SseStream[] = [];
    for (const token of ['staff-1', 'staff-2'])
      for (let i = 0; i < PER_KEY; i++) streams.push(await open('coop-a', bearer(token)));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const refused = await open('coop-a', bearer('staff-3'));
    expect(refused.status).toBe(429);
    // Refused, it took no place of its own credential's either.
    expect(feed.streamsOf(tokenDigest('staff-3'))).toBe(0);
    // Another cooperative has its own allowance.
    expect((await open('coop-b', bearer('manager-b'))).status).toBe(200);
    streams[0]!.close();
    await expect
      .poll(async () => (await open('coop-a', bearer('staff-3'))).status, { timeout: 3_000 })
      .toBe(200);
    // All closed: each cooperative's poll loop goes with its last stream.
    for (const stream of opened) stream.close();
    await expect.poll(() => feed.streams('coop-a') + feed.streams('coop-b')).toBe(0);
  });
});

describe('the events route in the API', () => {
  it('is mounted under /v1 with the tenancy of the rest', async () => {
    const app = createApp({
      registry: stores.registry,
      store: stores.store,
      health: async () => ({}),
    });
    const other = await app.request('/v1/coops/coop-b/events', { headers: bearer('manager-a') });
    expect(other.status).toBe(404);
    const own = await app.request('/v1/coops/coop-a/events', { headers: bearer('manager-a') });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('text/event-stream');
    await own.body?.cancel();
  });

  it('is declared as a text/event-stream naming every event kind, and the 204 that stops a replaced one', async () => {
    const app = createApp({
      registry: stores.registry,
      store: stores.store,
      health: async () => ({}),
    });
    const document = (await (await app.request('/v1/openapi.json')).json()) as {
      paths: Record<string, { get?: { responses: Record<string, { content?: object }> } }>;
    };
    const { responses } = document.paths['/v1/coops/{coopId}/events']!.get!;
    expect(Object.keys(responses['200']!.content!)).toEqual(['text/event-stream']);
    const described = JSON.stringify(responses['200']!.content);
    for (const kind of ['reading', 'prescription', 'alert', 'end'])
      expect(described).toContain(`\`${kind}\``);
    expect(responses['204']).toEqual({
      description: expect.stringContaining('replaced') as string,
    });
  });
});
