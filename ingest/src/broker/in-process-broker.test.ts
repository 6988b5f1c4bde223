import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duplexPair } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSenml, upTopic, type Reading, type StoredReading } from '@shamba/schemas';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import { createIngestBroker, type IngestBroker } from './create-ingest-broker.js';

/**
 * The ingest broker in Aedes' own test style (aedes test/helper.js): each client is one side of
 * an in-process duplex pair handed to `aedes.handle`, and speaks raw MQTT 3.1.1 packets written
 * and read with mqtt-packet, the one Aedes itself uses (found from Aedes' folder, as
 * tuneMqttPacket finds it). The factory always binds a TCP listener (127.0.0.1, port 0); no
 * client uses it. The registry and the time-series store are real SQLite files; the store's
 * writes pass through a gate the test holds, releases or fails.
 */

interface Packet {
  cmd: string;
  messageId?: number;
  returnCode?: number;
  sessionPresent?: boolean;
}
interface MqttPacket {
  generate: (packet: object) => Buffer;
  parser: (options: { protocolVersion: number }) => {
    parse(chunk: Buffer): number;
    on(event: 'packet', listener: (packet: Packet) => void): void;
  };
}
const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
const mqttPacket = (): MqttPacket => fromAedes('mqtt-packet') as MqttPacket;

const COOP = 'coop-a';
const DEVICE = 'probe-1';
const NOW_MS = Date.UTC(2026, 3, 1, 12);
const clock = () => NOW_MS;

/** A write held at the gate: `release` lets it through to SQLite, `fail` rejects it. */
interface HeldWrite {
  /** Resolves once the broker called `write` (the commit is in flight). */
  arrived: Promise<void>;
  release(): void;
  fail(error: Error): void;
}

/** The real SQLite store; while a hold is set, its next write waits for the test. */
function gatedStore(inner: TimeSeriesStore) {
  let held: { arrive: () => void; gate: Promise<void> } | undefined;
  const store: TimeSeriesStore = {
    kind: inner.kind,
    async write(readings) {
      const current = held;
      held = undefined;
      if (current !== undefined) {
        current.arrive();
        await current.gate;
      }
      return inner.write(readings);
    },
    query: (query) => inner.query(query),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  const hold = (): HeldWrite => {
    let arrive!: () => void;
    let release!: () => void;
    let fail!: (error: Error) => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const gate = new Promise<void>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
    held = { arrive, gate };
    return { arrived, release, fail };
  };
  return { store, hold };
}

interface Stack {
  registry: Registry;
  sqlite: TimeSeriesStore;
  broker: IngestBroker;
  hold: () => HeldWrite;
  secret: string;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh broker (so each test starts with an empty connect guard) over fresh SQLite files. */
async function start(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-in-process-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  const sqlite = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
  cleanups.push(
    () => registry.close(),
    () => sqlite.close(),
  );
  const secret = generateSecret();
  await registry.devices.upsert({
    id: DEVICE,
    coopId: COOP,
    fieldId: null,
    zoneId: null,
    kind: 'soil-probe',
    secretHash: await hashSecret(secret),
  });
  const { store, hold } = gatedStore(sqlite);
  const logger = pino({ level: 'silent' });
  const broker = await createIngestBroker({ registry, store, logger, clock, port: 0 });
  cleanups.push(() => broker.close());
  return { registry, sqlite, broker, hold, secret };
}

/** One client over a duplex pair: packets in, packets out, and whether the broker closed it. */
function connection(broker: IngestBroker) {
  const { generate, parser: createParser } = mqttPacket();
  const [client, server] = duplexPair();
  const received: Packet[] = [];
  const waiting: ((packet: Packet) => void)[] = [];
  const parser = createParser({ protocolVersion: 4 });
  parser.on('packet', (packet) => {
    const waiter = waiting.shift();
    if (waiter === undefined) received.push(packet);
    else waiter(packet);
  });
  client.on('data', (chunk: Buffer) => parser.parse(chunk));
  // Aedes closes a connection by destroying the stream it was handed.
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  broker.aedes.handle(server);
  const next = () =>
    new Promise<Packet>((resolve) => {
      const packet = received.shift();
      if (packet === undefined) waiting.push(resolve);
      else resolve(packet);
    });
  cleanups.push(() => {
    client.destroy();
    server.destroy();
  });
  return {
    send: (packet: object) => client.write(generate(packet)),
    /** The next packet from the broker. */
    next,
    /** Packets received and not yet taken by `next`. */
    unread: () => [...received],
    closed,
    /** Whichever comes first: the broker closes the connection, or sends a packet. */
    closedOrNext: () => Promise.race([closed.then(() => 'closed' as const), next()]),
    isClosed: () => server.destroyed,
  };
}

type Connection = ReturnType<typeof connection>;

const connectPacket = (clientId: string, username: string, password: string) => ({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clean: true,
  keepalive: 0,
  clientId,
  username,
  password: Buffer.from(password),
});

/** The CONNACK of a CONNECT, as mqtt-packet parses it: the whole packet. */
const connack = (returnCode: number) => ({
  cmd: 'connack',
  retain: false,
  qos: 0,
  dup: false,
  length: 2,
  topic: null,
  payload: null,
  // [MQTT-3.2.2-4]: 0 with any refusal; and a clean session has none ([MQTT-3.2.2-1]).
  sessionPresent: false,
  returnCode,
});

const puback = (messageId: number) => ({
  cmd: 'puback',
  retain: false,
  qos: 0,
  dup: false,
  length: 2,
  topic: null,
  payload: null,
  messageId,
});

async function connectDevice(stack: Stack): Promise<Connection> {
  const conn = connection(stack.broker);
  conn.send(connectPacket(DEVICE, DEVICE, stack.secret));
  expect(await conn.next()).toEqual(connack(0));
  return conn;
}

const reading = (seq: number): Reading => ({
  deviceId: DEVICE,
  stream: 'soil',
  timeMs: NOW_MS - 60_000 + seq * 1000,
  seq,
  values: { vwc10: 0.21, vwc30: 0.24, vwc60: 0.26, soilTempC: 18.5 },
});

/** As the store holds it: enriched from the registry, stamped with the broker's clock. */
const stored = (seq: number): StoredReading => ({
  ...reading(seq),
  coopId: COOP,
  fieldId: null,
  zoneId: null,
  receivedMs: NOW_MS,
});

const publish = (topic: string, payload: Uint8Array, messageId: number) => ({
  cmd: 'publish',
  topic,
  payload: Buffer.from(payload),
  qos: 1,
  retain: false,
  dup: false,
  messageId,
});

/** Lets every packet already written cross the pair and be handled (no time is assumed). */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

const everything = { deviceIds: [DEVICE], fromMs: 0, toMs: NOW_MS + 60_000 };

describe('the ingest broker over an in-process duplex pair', () => {
  it('sends the PUBACK of a QoS 1 reading only once the store’s write resolved', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    const held = stack.hold();
    conn.send(publish(upTopic(COOP, DEVICE, 'soil'), encodeSenml([reading(1)]), 7));
    await held.arrived;
    await settle();
    expect(conn.unread()).toEqual([]);
    expect(await stack.sqlite.query(everything)).toEqual([]);

    held.release();
    expect(await conn.next()).toEqual(puback(7));
    expect(await stack.sqlite.query(everything)).toEqual([stored(1)]);
    expect(conn.isClosed()).toBe(false);
  });

  it('sends no PUBACK when the store’s write fails, and closes the connection', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    const held = stack.hold();
    conn.send(publish(upTopic(COOP, DEVICE, 'soil'), encodeSenml([reading(1)]), 8));
    await held.arrived;
    held.fail(new Error('disk full'));
    expect(await conn.closedOrNext()).toBe('closed');
    await settle();
    expect(conn.unread()).toEqual([]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
    expect(await stack.registry.deadLetters.list()).toEqual([]);
    expect(stack.broker.stats().readingsCommitted).toBe(0);
  });

  it('dead-letters a bad payload and acknowledges it, so the device stops resending it', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    const topic = upTopic(COOP, DEVICE, 'soil');
    conn.send(publish(topic, Buffer.from('not senml'), 9));
    expect(await conn.next()).toEqual(puback(9));
    expect(await stack.registry.deadLetters.list()).toEqual([
      {
        id: 1,
        receivedMs: NOW_MS,
        lastMs: NOW_MS,
        deviceId: DEVICE,
        coopId: COOP,
        topic,
        code: 'INVALID_PAYLOAD',
        reason: 'unrecognised payload (first byte 0x6e)',
        payload: new Uint8Array(Buffer.from('not senml')),
        payloadBytes: 9,
        count: 1,
      },
    ]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
    expect(conn.isClosed()).toBe(false);
  });

  it('refuses a publish to a foreign topic: no PUBACK, disconnected, one dead letter per device', async () => {
    const stack = await start();
    const foreign = [upTopic('coop-b', DEVICE, 'soil'), upTopic(COOP, 'probe-2', 'soil')];
    for (const [i, topic] of foreign.entries()) {
      const conn = await connectDevice(stack);
      conn.send(publish(topic, encodeSenml([reading(i)]), 10 + i));
      expect(await conn.closedOrNext()).toBe('closed');
      await settle();
      expect(conn.unread()).toEqual([]);
    }
    // Folded on the device (foldKey NOT_AUTHORIZED:probe-1): the newest topic and bytes, twice.
    expect(await stack.registry.deadLetters.list()).toEqual([
      {
        id: 1,
        receivedMs: NOW_MS,
        lastMs: NOW_MS,
        deviceId: DEVICE,
        coopId: COOP,
        topic: foreign[1],
        code: 'NOT_AUTHORIZED',
        reason: 'publish outside the device ACL',
        payload: new Uint8Array(encodeSenml([reading(1)])),
        payloadBytes: encodeSenml([reading(1)]).length,
        count: 2,
      },
    ]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
  });
});

/**
 * MQTT 3.1.1 §3.2.2.3 (CONNACK return codes): 0 accepted; 2 "identifier rejected" (a client id
 * the server does not allow: ours must equal the device id); 4 "bad user name or password";
 * 5 "not authorized" (here: a source address in backoff after repeated failures). After a
 * non-zero code the server closes the connection [MQTT-3.2.2-5].
 */
describe('CONNACK return codes', () => {
  async function refusedWith(stack: Stack, packet: object, returnCode: number) {
    const conn = connection(stack.broker);
    conn.send(packet);
    expect(await conn.next()).toEqual(connack(returnCode));
    await conn.closed;
  }

  it('accepts a provisioned device with its secret (0)', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    await settle();
    expect(conn.isClosed()).toBe(false);
    expect(stack.broker.stats().connectedDevices).toBe(1);
  });

  it('rejects a client id that is not the device id (2)', async () => {
    const stack = await start();
    await refusedWith(stack, connectPacket('someone-else', DEVICE, stack.secret), 2);
  });

  it('refuses a wrong secret or an unknown device (4)', async () => {
    const stack = await start();
    await refusedWith(stack, connectPacket(DEVICE, DEVICE, `${stack.secret}x`), 4);
    await refusedWith(stack, connectPacket('probe-9', 'probe-9', stack.secret), 4);
  });

  it('refuses even the right secret from an address in backoff (5)', async () => {
    const stack = await start();
    // Five failures start the backoff (createConnectGuard's maxFailures).
    for (let i = 0; i < 5; i++)
      await refusedWith(stack, connectPacket(DEVICE, DEVICE, `wrong-${i}`), 4);
    await refusedWith(stack, connectPacket(DEVICE, DEVICE, stack.secret), 5);
    expect(stack.broker.stats().connectsRefused).toBe(6);
  });
});
