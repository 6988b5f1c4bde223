import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Aedes } from 'aedes';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { createIngestBroker, generateSecret, hashSecret } from '@shamba/ingest';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';
import { connectDevices, percentile, publishLoad, type LoadOptions } from './support/load.js';

/**
 * `pnpm bench ingest`: the full ingest (auth, ACL, decode, validate, SQLite commit before every
 * PUBACK) against a bare Aedes broker forwarding the same load to one QoS 1 subscriber, in the
 * same run with the same load generator, so the ratio means something on a noisy machine.
 */
const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200);
const INFLIGHT = 4;
const COOP = 'bench-coop';

async function ours() {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-bench-'));
  const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
  const devices = await Promise.all(
    Array.from({ length: DEVICES }, async (_, i) => {
      const id = `bench-${i}`;
      const password = generateSecret();
      await registry.devices.upsert({
        id,
        coopId: COOP,
        fieldId: null,
        zoneId: null,
        kind: 'soil-probe',
        secretHash: await hashSecret(password),
      });
      return { id, password };
    }),
  );
  // The load generator publishes as fast as PUBACKs return: far over a field device's rate, so
  // the per-device rate limit is lifted for the benchmark (every other check stays on).
  const broker = await createIngestBroker({
    registry,
    store,
    logger: pino({ level: 'silent' }),
    port: 0,
    limits: { rate: { burst: Number.MAX_SAFE_INTEGER, perSecond: Number.MAX_SAFE_INTEGER } },
  });
  const options: LoadOptions = {
    brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
    coopId: COOP,
    devices,
    messagesPerDevice: MESSAGES,
    inflight: INFLIGHT,
  };
  const clients = await connectDevices(options);
  const result = await publishLoad(clients, options);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const committed = broker.stats().readingsCommitted;
  await Promise.all(clients.map((c) => c.endAsync()));
  await broker.close();
  await registry.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  if (committed !== result.messages)
    throw new Error(`committed ${committed} of ${result.messages}`);
  return { ...result, rssMb };
}

async function bareAedes() {
  const aedes = new Aedes();
  await aedes.listen();
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const subscriber = await connectAsync(url, {
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
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { ...result, elapsedMs: lastMs - started };
}

export async function ingestBench(): Promise<Record<string, number>> {
  console.log(
    `ingest: ${DEVICES} devices x ${MESSAGES} QoS 1 readings, ${INFLIGHT} in flight per device`,
  );
  const peer = await bareAedes();
  const our = await ours();
  const readingsPerSec = our.messages / (our.elapsedMs / 1000);
  const peerReadingsPerSec = peer.messages / (peer.elapsedMs / 1000);
  return {
    readingsPerSec: Math.round(readingsPerSec),
    p50Ms: Number(percentile(our.latenciesMs, 50).toFixed(2)),
    p99Ms: Number(percentile(our.latenciesMs, 99).toFixed(2)),
    rssMb: Math.round(our.rssMb),
    peerReadingsPerSec: Math.round(peerReadingsPerSec),
    ratio: Number((readingsPerSec / peerReadingsPerSec).toFixed(3)),
  };
}
