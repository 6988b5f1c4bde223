import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '@shamba/cli/build';
import { encodeSenml, upTopic } from '@shamba/schemas';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { COOP, seedDevice } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

/**
 * The compiled CLI, as `pnpm start` runs it (plain JavaScript, the heap flags in its first
 * line): the bundle must start, load its lazy chunks, and run its analytics worker.
 */
describe('the built CLI', () => {
  let built: string;
  beforeAll(async () => {
    built = await buildCli();
  }, 60_000);

  it(
    'shamba ingest: a reading is committed before its PUBACK, counted at /metrics, and SIGTERM stops it cleanly',
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      const registry = await createSqliteRegistry({ path: join(dir.path, 'registry.sqlite') });
      const credentials = await seedDevice(registry, 'probe-1', 'field-1');
      await registry.close();

      await using child = spawnShamba(
        ['ingest', '--data-dir', dir.path, '--mqtt-port', '0', '--api-port', '0'],
        { SHAMBA_LOG_LEVEL: 'warn' },
        { built },
      );
      const [, mqttUrl, metricsUrl] = await waitForOutput(
        child,
        /MQTT (mqtt:\S+), metrics (http:\S+)\./,
        30_000,
      );
      const device = await connectAsync(mqttUrl!, {
        ...credentials,
        clientId: 'probe-1',
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      const timeMs = Date.now() - 60_000;
      await device.publishAsync(
        upTopic(COOP, 'probe-1', 'soil'),
        Buffer.from(
          encodeSenml([
            { deviceId: 'probe-1', stream: 'soil', timeMs, seq: 1, values: { vwc10: 0.21 } },
          ]),
        ),
        { qos: 1 },
      );
      await device.endAsync();
      const metrics = await (await fetch(metricsUrl!)).text();
      expect(metrics).toMatch(/^shamba_readings_committed_total 1$/m);

      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const store = await createSqliteTimeSeriesStore({
        path: join(dir.path, 'timeseries.sqlite'),
      });
      const stored = await store.query({
        deviceIds: ['probe-1'],
        stream: 'soil',
        fromMs: 0,
        toMs: Date.now(),
      });
      await store.close();
      expect(stored.map((r) => [r.seq, r.values.vwc10])).toEqual([[1, 0.21]]);
    },
  );

  it(
    'shamba start: the API answers and the analytics worker runs from its own bundle',
    { timeout: 90_000 },
    async () => {
      using dir = tempDir();
      await using child = spawnShamba(
        ['start', '--data-dir', dir.path, '--mqtt-port', '0', '--api-port', '0', '--workers', '1'],
        { SHAMBA_LOG_LEVEL: 'warn' },
        { built },
      );
      const [, api] = await waitForOutput(child, /API (http:\S+)\/v1,/, 60_000);
      const health = (await (await fetch(`${api}/v1/health`)).json()) as {
        components: { worker: { status: string; detail: { tfBackend: string } } };
      };
      expect(health.components.worker.status).toBe('up');
      // The worker loaded TF.js (its wasm files found from the bundle's place) and answered.
      expect(['wasm', 'cpu', 'tensorflow']).toContain(health.components.worker.detail.tfBackend);
    },
  );
});
