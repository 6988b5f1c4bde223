import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Debian's `influxd` (InfluxDB 1.6.7), as the tests and benchmarks run it. */
export const INFLUXD = '/usr/bin/influxd';
export const hasInfluxd = existsSync(INFLUXD);

export interface Influxd extends AsyncDisposable {
  readonly url: string;
  /** Stops the server (an outage); its data stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts influxd with a temporary configuration under `dir`: HTTP and the RPC service on free
 * loopback ports, no reporting, no internal monitor database, no subscriptions.
 */
export interface InfluxdOptions {
  /** Require credentials (1.x `auth-enabled`); with no user created, every write is refused. */
  authEnabled?: boolean;
  /** Largest request body accepted, bytes (1.x `max-body-size`); larger writes get 413. */
  maxBodySize?: number;
}

export async function startInfluxd(dir: string, options: InfluxdOptions = {}): Promise<Influxd> {
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  auth-enabled = ${options.authEnabled === true}
  max-body-size = ${options.maxBodySize ?? 25_000_000}
[monitor]
  store-enabled = false
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
`,
  );
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(INFLUXD, ['-config', config], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const up = await fetch(`${url}/ping`).then(
        (r) => r.status === 204,
        () => false,
      );
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('influxd did not come up within 30 s');
  };
  const stop = async () => {
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  await start();
  return { url, start, stop, [Symbol.asyncDispose]: stop };
}
