import { connect as tcpConnect, type Socket } from 'node:net';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSenml, upTopic } from '@shamba/schemas';
import { COOP, seedDevice, testField } from './support/seed.js';
import { startIngest, type IngestStack } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

// Every kind of bad input a broker on the internet meets, each refused with a clear reason,
// with the broker up and an honest device unaffected throughout.
describe('hostile and malformed input', () => {
  const dir = tempDir();
  let ingest: IngestStack;
  let honest: MqttClient;
  let honestSeq = 0;
  const creds: Record<string, { username: string; password: string }> = {};
  const T = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;

  const device = (id: string) =>
    connectAsync(ingest.url, {
      protocolVersion: 4,
      clientId: id,
      username: id,
      password: creds[id]!.password,
      reconnectPeriod: 0,
      clean: true,
    });
  const closed = (client: MqttClient) =>
    new Promise<void>((resolve) => client.once('close', () => resolve()));
  const lastLetter = async () => (await ingest.registry.deadLetters.list({ limit: 1 }))[0];
  /** The honest device still gets a reading through, end to end. */
  const honestStillServed = async () => {
    const seq = honestSeq++;
    const payload = encodeSenml([
      { deviceId: 'honest', stream: 'soil', timeMs: T + seq * 60_000, seq, values: { vwc10: 0.2 } },
    ]);
    await honest.publishAsync(upTopic(COOP, 'honest', 'soil'), Buffer.from(payload), { qos: 1 });
    const stored = await ingest.store.query({
      deviceIds: ['honest'],
      fromMs: T + seq * 60_000,
      toMs: T + seq * 60_000 + 1,
    });
    expect(stored).toHaveLength(1);
  };

  beforeAll(async () => {
    ingest = await startIngest(dir.path, {
      limits: { connectTimeoutMs: 1000, rate: { burst: 20, perSecond: 1 } },
    });
    await ingest.registry.fields.upsert(testField('field-1', 'farmer-1'));

    for (const id of ['honest', 'mallory', 'flooder', 'sloppy'])
      creds[id] = await seedDevice(ingest.registry, id, 'field-1');
    honest = await device('honest');
  });
  afterAll(async () => {
    await honest?.endAsync();
    await ingest?.[Symbol.asyncDispose]();
    dir[Symbol.dispose]();
  });

  it('cuts a connection that declares an oversize packet before CONNECT, before buffering it', async () => {
    const socket = tcpConnect(ingest.broker.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // CONNECT with a remaining length of 10 MB (varint 0x80 0xad 0xe2 0x04), then a trickle.
    socket.write(Buffer.from([0x10, 0x80, 0xad, 0xe2, 0x04, 0x00, 0x04]));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(ingest.broker.stats().messagesRejected.PACKET_TOO_LARGE).toBe(1);
    await honestStillServed();
  });

  it(
    'closes a thousand sockets that never send CONNECT, and serves everyone meanwhile',
    { timeout: 30_000 },
    async () => {
      const sockets: Socket[] = [];
      for (let i = 0; i < 1000; i++) {
        const s = tcpConnect(ingest.broker.port, '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
      }
      await Promise.all(sockets.map((s) => new Promise((resolve) => s.once('connect', resolve))));
      await honestStillServed(); // responsive while a thousand idle sockets are open
      await Promise.all(
        sockets.map(
          (s) =>
            new Promise((resolve) => (s.destroyed ? resolve(undefined) : s.once('close', resolve))),
        ),
      );
      await honestStillServed();
    },
  );

  it.each([
    ['a 100-level topic', `shamba/v1/${COOP}/mallory/up/${'x/'.repeat(95)}soil`],
    ['"#" in a publish topic', `shamba/v1/${COOP}/mallory/up/#`],
    ["another device's topic", upTopic(COOP, 'honest', 'soil')],
    ['a $SYS topic', '$SYS/broker/clients/total'],
  ])('disconnects a device publishing to %s, storing nothing', async (_label, topic) => {
    const client = await device('mallory');
    const gone = closed(client);
    client.publish(
      topic,
      Buffer.from(
        encodeSenml([
          { deviceId: 'honest', stream: 'soil', timeMs: T - 1000, seq: 1, values: { vwc10: 0.99 } },
        ]),
      ),
      { qos: 1 },
    );
    await gone;
    expect(
      await ingest.store.query({ deviceIds: ['honest'], fromMs: T - 1000, toMs: T - 999 }),
    ).toEqual([]);
    await honestStillServed();
  });

  it("refuses subscriptions beyond the device's own commands (SUBACK 0x80)", async () => {
    const client = await device('mallory');
    const suback = new Promise<number[]>((resolve) =>
      client.on('packetreceive', (packet) => {
        if (packet.cmd === 'suback') resolve(packet.granted as number[]);
      }),
    );
    client.subscribe(
      ['#', `shamba/v1/${COOP}/honest/down/#`, `shamba/v1/${COOP}/mallory/down/#`],
      { qos: 1 },
      () => undefined,
    );
    expect(await suback).toEqual([128, 128, 1]);
    await client.endAsync();
  });

  it('does not publish a will aimed at another device', async () => {
    const client = await connectAsync(ingest.url, {
      protocolVersion: 4,
      clientId: 'mallory',
      username: 'mallory',
      password: creds.mallory!.password,
      reconnectPeriod: 0,
      will: {
        topic: upTopic(COOP, 'honest', 'status'),
        payload: Buffer.from('[{"bn":"honest:","bt":1800000000,"n":"online","v":0}]'),
        qos: 1,
        retain: false,
      },
    });
    const gone = new Promise((resolve) => ingest.broker.aedes.once('clientDisconnect', resolve));
    (client.stream as Socket).destroy(); // an ungraceful drop fires the will
    await gone;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lastLetter()).toMatchObject({
      deviceId: 'mallory',
      code: 'NOT_AUTHORIZED',
      topic: upTopic(COOP, 'honest', 'status'),
    });
    expect(
      await ingest.store.query({
        deviceIds: ['honest'],
        stream: 'status',
        fromMs: 0,
        toMs: Number.MAX_SAFE_INTEGER,
      }),
    ).toEqual([]);
  });

  it('keeps the honest session when someone else tries its client id', async () => {
    const attempt = connectAsync(ingest.url, {
      protocolVersion: 4,
      clientId: 'honest',
      username: 'honest',
      password: 'stolen?',
      reconnectPeriod: 0,
    });
    await expect(attempt).rejects.toMatchObject({ code: 4 });
    const sneaky = connectAsync(ingest.url, {
      protocolVersion: 4,
      clientId: 'honest',
      username: 'mallory',
      password: creds.mallory!.password,
      reconnectPeriod: 0,
    });
    await expect(sneaky).rejects.toMatchObject({ code: 2 }); // a client id is bound to its own device
    expect(honest.connected).toBe(true);
    await honestStillServed();
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x5b, 0xc3, 0x28, 0x5d]), 'INVALID_PAYLOAD', /UTF-8/],
    [
      'an infinite number',
      '[{"bn":"sloppy:","bt":1795800000,"n":"seq","v":1},{"n":"vwc10","u":"/","v":1e400}]',
      'INVALID_PAYLOAD',
      /SenML/,
    ],
    [
      'NaN as a string',
      '[{"bn":"sloppy:","bt":1795800000,"n":"seq","v":1},{"n":"vwc10","u":"/","v":"NaN"}]',
      'INVALID_PAYLOAD',
      /SenML/,
    ],
    [
      'a huge value',
      '[{"bn":"sloppy:","bt":1795800000,"n":"seq","v":1},{"n":"vwc10","u":"/","v":1e300}]',
      'OUT_OF_RANGE',
      /vwc10=1e\+300 is outside 0..1/,
    ],
    [
      'milliseconds where seconds belong',
      '[{"bn":"sloppy:","bt":1795800000000,"n":"seq","v":1},{"n":"vwc10","u":"/","v":0.2}]',
      'TIME_IN_FUTURE',
      /ahead of broker time/,
    ],
    [
      'a 1970 timestamp',
      '[{"bn":"sloppy:","bt":0,"n":"seq","v":1},{"n":"vwc10","u":"/","v":0.2}]',
      'INVALID_PAYLOAD',
      /relative time/,
    ],
    [
      'an unset clock (2001)',
      '[{"bn":"sloppy:","bt":1000000000,"n":"seq","v":1},{"n":"vwc10","u":"/","v":0.2}]',
      'INVALID_PAYLOAD',
      /timeMs/,
    ],
    [
      'a 2100 timestamp',
      '[{"bn":"sloppy:","bt":4102444800,"n":"seq","v":1},{"n":"vwc10","u":"/","v":0.2}]',
      'TIME_IN_FUTURE',
      /2100-01-01/,
    ],
  ])(
    'dead-letters %s with its reason, acknowledged, the device still connected',
    async (_label, payload, code, reason) => {
      const client = await device('sloppy');
      await client.publishAsync(upTopic(COOP, 'sloppy', 'soil'), Buffer.from(payload), { qos: 1 });
      expect(await lastLetter()).toMatchObject({
        deviceId: 'sloppy',
        code,
        reason: expect.stringMatching(reason) as unknown,
      });
      expect(client.connected).toBe(true);
      await client.endAsync();
      await honestStillServed();
    },
  );

  it('folds a device resending the same bad message into one dead letter, and still takes its good readings', async () => {
    const client = await device('sloppy');
    const bad = Buffer.from(
      '[{"bn":"sloppy:","bt":1795800001,"n":"seq","v":2},{"n":"vwc10","u":"/","v":7}]',
    );
    for (let i = 0; i < 10; i++)
      await client.publishAsync(upTopic(COOP, 'sloppy', 'soil'), bad, { qos: 1 });
    const good = encodeSenml([
      { deviceId: 'sloppy', stream: 'soil', timeMs: T, seq: 3, values: { vwc10: 0.3 } },
    ]);
    await client.publishAsync(upTopic(COOP, 'sloppy', 'soil'), Buffer.from(good), { qos: 1 });
    expect(await lastLetter()).toMatchObject({ reason: 'vwc10=7 is outside 0..1', count: 10 });
    expect(
      await ingest.store.query({ deviceIds: ['sloppy'], fromMs: T, toMs: T + 1 }),
    ).toHaveLength(1);
    await client.endAsync();
  });

  it('disconnects a device over its message rate, and counts it', async () => {
    const client = await device('flooder');
    const gone = closed(client);
    for (let i = 0; i < 40; i++) {
      const payload = encodeSenml([
        {
          deviceId: 'flooder',
          stream: 'soil',
          timeMs: T + i * 1000,
          seq: i,
          values: { vwc10: 0.2 },
        },
      ]);
      client.publish(upTopic(COOP, 'flooder', 'soil'), Buffer.from(payload), { qos: 1 });
    }
    await gone;
    expect(ingest.broker.stats().messagesRejected.RATE_LIMITED).toBeGreaterThanOrEqual(1);
    const stored = await ingest.store.query({
      deviceIds: ['flooder'],
      fromMs: T,
      toMs: T + 60_000,
    });
    expect(stored.length).toBeGreaterThanOrEqual(20); // the burst allowance went through
    expect(stored.length).toBeLessThan(40);
    await honestStillServed();
  });
});
