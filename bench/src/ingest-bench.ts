import { fork, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Aedes } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { createSqliteRegistry } from '@shamba/storage';
import { connectDevices, percentile, publishLoad, type LoadOptions } from './support/load.js';

/**
 * `pnpm bench ingest`: N devices publishing QoS 1 readings over TCP into the full ingest (auth,
 * ACL, decode, validation, SQLite group commit before every PUBACK, in a process of its own),
 * then the same load generator against two peers in the same run: a bare Aedes broker and
 * Mosquitto, each forwarding to one QoS 1 subscriber. Ratios are ours / peer.
 */
const DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const INFLIGHT = 2;
const COOP = 'bench-coop';

/** Provisions the bench devices into a fresh registry, as `shamba device add` would. */
async function provision(): Promise<{
  dir: string;
  credentials: { id: string; password: string }[];
}> {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-bench-'));
  const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  // One secret for all: its scrypt cost at CONNECT is the same per device either way.
  const password = generateSecret();
  const secretHash = await hashSecret(password);
  const credentials = Array.from({ length: DEVICES }, (_, i) => ({ id: `bench-${i}`, password }));
  for (const { id } of credentials) {
    await registry.devices.upsert({
      id,
      coopId: COOP,
      fieldId: null,
      zoneId: null,
      kind: 'soil-probe',
      secretHash,
    });
  }
  await registry.close();
  return { dir, credentials };
}

async function ours() {
  const { dir, credentials } = await provision();
  const child = fork(new URL('./ingest-server.ts', import.meta.url), [dir], {
    execArgv: ['--import', 'tsx'],
  });
  const ask = <T>(type: string) =>
    new Promise<T>((resolve) => {
      const onMessage = (m: { type: string }) => {
        if (m.type === type) {
          child.off('message', onMessage);
          resolve(m as T);
        }
      };
      child.on('message', onMessage);
    });
  const ready = await ask<{ port: number }>('ready');
  const options: LoadOptions = {
    brokerUrl: `mqtt://127.0.0.1:${ready.port}`,
    coopId: COOP,
    devices: credentials,
    messagesPerDevice: MESSAGES,
    inflight: INFLIGHT,
  };
  const clients = await connectDevices(options);
  const result = await publishLoad(clients, options);
  const stats = ask<{ rssMb: number; committed: number }>('stats');
  child.send({ type: 'stats' });
  const { rssMb, committed } = await stats;
  await Promise.all(clients.map((c) => c.endAsync()));
  child.send({ type: 'stop' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (committed !== result.messages)
    throw new Error(`committed ${committed} of ${result.messages}`);
  return { ...result, rssMb };
}

/** Same load, through a broker to one QoS 1 subscriber; the time is until the last delivery. */
async function throughPeer(url: string, stop: () => Promise<void>) {
  const subscriber: MqttClient = await connectAsync(url, {
    protocolVersion: 4,
    clientId: 'bench-subscriber',
    reconnectPeriod: 0,
  });
  await subscriber.subscribeAsync(`shamba/v1/${COOP}/+/up/+`, { qos: 1 });
  const total = DEVICES * MESSAGES;
  let delivered = 0;
  let lastMs = 0;
  const allDelivered = new Promise<void>((resolve) =>
    subscriber.on('message', () => {
      lastMs = performance.now();
      if (++delivered === total) resolve();
    }),
  );
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `bench-${i}` }));
  const options: LoadOptions = {
    brokerUrl: url,
    coopId: COOP,
    devices,
    messagesPerDevice: MESSAGES,
    inflight: INFLIGHT,
  };
  const clients = await connectDevices(options);
  const started = performance.now();
  const result = await publishLoad(clients, options);
  await allDelivered;
  await Promise.all([...clients, subscriber].map((c) => c.endAsync()));
  await stop();
  return { ...result, elapsedMs: lastMs - started };
}

async function bareAedes() {
  const aedes = new Aedes();
  await aedes.listen();
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return throughPeer(`mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

async function mosquitto() {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const config = join(mkdtempSync(join(tmpdir(), 'shamba-mosquitto-')), 'mosquitto.conf');
  writeFileSync(
    config,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_connections -1\nmax_queued_messages 0\n`,
  );
  const child = spawn('/usr/sbin/mosquitto', ['-c', config], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return throughPeer(`mqtt://127.0.0.1:${port}`, async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
}

export async function ingestBench(): Promise<Record<string, number>> {
  console.log(
    `ingest: ${DEVICES} devices x ${MESSAGES} QoS 1 readings, ${INFLIGHT} in flight per device`,
  );
  const peer = await bareAedes();
  const mosq = await mosquitto();
  const our = await ours();
  const perSec = (r: { messages: number; elapsedMs: number }) => r.messages / (r.elapsedMs / 1000);
  const readingsPerSec = perSec(our);
  return {
    devices: DEVICES,
    readingsPerSec: Math.round(readingsPerSec),
    p50Ms: Number(percentile(our.latenciesMs, 50).toFixed(2)),
    p99Ms: Number(percentile(our.latenciesMs, 99).toFixed(2)),
    rssMb: Math.round(our.rssMb),
    peerReadingsPerSec: Math.round(perSec(peer)),
    ratio: Number((readingsPerSec / perSec(peer)).toFixed(3)),
    mosquittoReadingsPerSec: Math.round(perSec(mosq)),
    mosquittoRatio: Number((readingsPerSec / perSec(mosq)).toFixed(3)),
  };
}
