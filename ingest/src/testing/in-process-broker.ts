import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duplexPair } from 'node:stream';
import { pino } from 'pino';
import { expect } from 'vitest';
import type { Reading, StoredReading } from '@shamba/schemas';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { generateSecret, hashSecret } from '../auth/secrets.js';
import {
  createIngestBroker,
  type IngestBroker,
  type IngestBrokerOptions,
} from '../broker/create-ingest-broker.js';

/**
 * For this package's tests (not exported): the ingest broker in Aedes' own test style (aedes test/helper.js): each client is one side of
 * an in-process duplex pair handed to `aedes.handle`, and speaks raw MQTT 3.1.1 packets written
 * and read with mqtt-packet, the one Aedes itself uses (found from Aedes' folder, as
 * tuneMqttPacket finds it). The factory always binds a TCP listener (127.0.0.1, port 0); no
 * client uses it. The registry and the time-series store are real SQLite files; the store's
 * writes pass through a gate the test holds, releases or fails.
 */

export interface Packet {
  cmd: string;
  messageId?: number;
  returnCode?: number;
  sessionPresent?: boolean;
  granted?: number[];
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

export const COOP = 'coop-a';
export const DEVICE = 'probe-1';
export const NOW_MS = Date.UTC(2026, 3, 1, 12);
export const clock = () => NOW_MS;

/** A write held at the gate: `release` lets it through to SQLite, `fail` rejects it. */
export interface HeldWrite {
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
    scan: (scan) => inner.scan(scan),
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

export interface Stack {
  registry: Registry;
  sqlite: TimeSeriesStore;
  broker: IngestBroker;
  hold: () => HeldWrite;
  secret: string;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Closes what the tests opened, newest first: a test file's `afterEach(cleanUp)`. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/**
 * A fresh broker (so each test starts with an empty connect guard) over fresh SQLite files,
 * with one provisioned device; `extra` options (hooks) go to the broker.
 */
export async function start(extra: Partial<IngestBrokerOptions> = {}): Promise<Stack> {
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
  const broker = await createIngestBroker({ registry, store, logger, clock, port: 0, ...extra });
  cleanups.push(() => broker.close());
  return { registry, sqlite, broker, hold, secret };
}

/** One client over a duplex pair: packets in, packets out, and whether the broker closed it. */
export function connection(broker: IngestBroker) {
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

export type Connection = ReturnType<typeof connection>;

export const connectPacket = (clientId: string, username: string, password: string) => ({
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
export const connack = (returnCode: number) => ({
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

export const puback = (messageId: number) => ({
  cmd: 'puback',
  retain: false,
  qos: 0,
  dup: false,
  length: 2,
  topic: null,
  payload: null,
  messageId,
});

export async function connectDevice(stack: Stack): Promise<Connection> {
  const conn = connection(stack.broker);
  conn.send(connectPacket(DEVICE, DEVICE, stack.secret));
  expect(await conn.next()).toEqual(connack(0));
  return conn;
}

export const reading = (seq: number): Reading => ({
  deviceId: DEVICE,
  stream: 'soil',
  timeMs: NOW_MS - 60_000 + seq * 1000,
  seq,
  values: { vwc10: 0.21, vwc30: 0.24, vwc60: 0.26, soilTempC: 18.5 },
});

/** As the store holds it: enriched from the registry, stamped with the broker's clock. */
export const stored = (seq: number): StoredReading => ({
  ...reading(seq),
  coopId: COOP,
  fieldId: null,
  zoneId: null,
  receivedMs: NOW_MS,
});

export const publish = (topic: string, payload: Uint8Array, messageId: number) => ({
  cmd: 'publish',
  topic,
  payload: Buffer.from(payload),
  qos: 1,
  retain: false,
  dup: false,
  messageId,
});

/** Lets every packet already written cross the pair and be handled (no time is assumed). */
export const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

export const everything = { deviceIds: [DEVICE], fromMs: 0, toMs: NOW_MS + 60_000 };
