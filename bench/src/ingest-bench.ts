import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { connectAsync, type MqttClient } from 'mqtt';
import { buildCli, builtCliEnv } from '@shamba/cli/build';
import { generateSecret, hashSecret } from '@shamba/ingest';
import { createSqliteRegistry } from '@shamba/storage';
import { connectDevices, percentile, publishLoad, type LoadOptions } from './support/load.js';
import { cpuMeter } from './support/process-cpu.js';

/**
 * `pnpm bench ingest`: N devices publishing QoS 1 readings over TCP into the full ingest (auth,
 * ACL, decode, validation, SQLite group commit before every PUBACK), then the same load
 * generator against two peers in the same run: a bare Aedes broker and Mosquitto, each
 * forwarding to one QoS 1 subscriber. Each broker runs in a process of its own, apart from the
 * load generator. Ratios are ours / peer.
 *
 * Each broker's CPU time per message (user + system of its process over the publish window, from
 * /proc/<pid>/stat) is reported beside the rates: on a small box where the load generator shares
 * the cores, throughput ratios swing from run to run on unchanged code, and CPU per message is
 * the figure that holds still.
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
  // One secret for all: its verification cost at CONNECT is the same per device either way.
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

/** A server process's environment, and how to tell from its output that it is up. */
interface ServerStart {
  env: NodeJS.ProcessEnv;
  /** Matches the line of the server's output that says it is listening. */
  ready: RegExp;
}

/** Starts a server process and waits for the line of its output that `ready` matches. */
async function startServer(
  command: string,
  args: string[],
  { env, ready }: ServerStart,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; exited: Promise<unknown> }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const found = ready.exec(seen);
      if (found !== null) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}): ${seen}`)));
  });
  return { child, match, exited };
}

/** Peak resident set of a process (Linux: VmHWM), MB. */
function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * `shamba ingest` as built and run in production (`pnpm build`: plain JavaScript with its heap
 * flags, no TypeScript loader), in a process of its own so its memory and CPU are apart from the
 * load generator's. The per-device rate limit is lifted: the load generator publishes as fast as
 * PUBACKs return, far over a field device's rate (every other check stays on).
 */
async function ours() {
  const { dir, credentials } = await provision();
  const { child, match, exited } = await startServer(
    await buildCli(),
    ['ingest', '--data-dir', dir, '--mqtt-port', '0', '--api-port', '0', '--log-level', 'warn'],
    {
      env: { ...builtCliEnv(), SHAMBA_DEVICE_RATE: '1e9', SHAMBA_DEVICE_BURST: '1000000000' },
      ready: /MQTT (mqtt:\/\/\S+),/,
    },
  );
  const options: LoadOptions = {
    brokerUrl: match[1]!,
    coopId: COOP,
    devices: credentials,
    messagesPerDevice: MESSAGES,
    inflight: INFLIGHT,
  };
  const clients = await connectDevices(options);
  const cpu = cpuMeter(child.pid!);
  const result = await publishLoad(clients, options);
  const cpuUsPerMessage = cpu.perMessage(result.messages);
  const rssMb = peakRssMb(child.pid!);
  await Promise.all(clients.map((c) => c.endAsync()));
  child.kill('SIGTERM');
  await exited;
  // Every PUBACK was for a committed reading: count them in the file, as a reader would.
  // shamba ingest merges its inbox into the readings table when it stops.
  const db = new Database(join(dir, 'timeseries.sqlite'), { readonly: true });
  const { stored } = db.prepare('SELECT count(*) AS stored FROM readings').get() as {
    stored: number;
  };
  db.close();
  if (stored !== result.messages) throw new Error(`stored ${stored} of ${result.messages}`);
  return { ...result, rssMb, cpuUsPerMessage };
}

/**
 * Same load, through a broker to one QoS 1 subscriber; the time (and the broker's CPU, process
 * `pid`) is until the last delivery.
 */
async function throughPeer(url: string, pid: number, stop: () => Promise<void>) {
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
  const cpu = cpuMeter(pid);
  const started = performance.now();
  const result = await publishLoad(clients, options);
  await allDelivered;
  const cpuUsPerMessage = cpu.perMessage(delivered);
  await Promise.all([...clients, subscriber].map((c) => c.endAsync()));
  await stop();
  return { ...result, elapsedMs: lastMs - started, cpuUsPerMessage };
}

/** Bare Aedes, in a process of its own as ours is (run from source: tsx's loader idles after load). */
async function bareAedes() {
  const { child, match, exited } = await startServer(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./support/bare-aedes-server.ts', import.meta.url))],
    { env: process.env, ready: /listening (\d+)/ },
  );
  return throughPeer(`mqtt://127.0.0.1:${match[1]}`, child.pid!, async () => {
    child.kill('SIGTERM');
    await exited;
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
  return throughPeer(`mqtt://127.0.0.1:${port}`, child.pid!, async () => {
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
    cpuUsPerMessage: Number(our.cpuUsPerMessage.toFixed(1)),
    peerCpuUsPerMessage: Number(peer.cpuUsPerMessage.toFixed(1)),
    mosquittoCpuUsPerMessage: Number(mosq.cpuUsPerMessage.toFixed(1)),
  };
}
