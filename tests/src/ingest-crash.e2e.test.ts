import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';
import { DAY_MS, encodeSenml, upTopic } from '@shamba/schemas';
import { spawnShamba, waitForOutput } from './support/cli-process.js';
import { freePort } from './support/mosquitto.js';
import { COOP, seedDevice } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

const DEVICES = 4;
const READINGS = 150;
const KILLS = 5;

// "A reading that got a PUBACK is never lost": the ingest process is SIGKILLed at random
// moments while devices publish numbered readings; every acknowledged one must be stored,
// exactly once.
describe('ingest under SIGKILL', () => {
  it(
    'stores every acknowledged reading exactly once across repeated kills',
    { timeout: 120_000 },
    async () => {
      using dir = tempDir();
      const dataDir = join(dir.path, 'data');
      const registry = await createSqliteRegistry({ path: join(dataDir, 'registry.sqlite') });
      const creds = await Promise.all(
        Array.from({ length: DEVICES }, (_, i) => seedDevice(registry, `crash-${i}`, 'field-1')),
      );
      await registry.close();
      const port = await freePort();
      const start = async () => {
        const child = spawnShamba(
          [
            'start',
            '--data-dir',
            dataDir,
            '--mqtt-port',
            String(port),
            '--api-port',
            '0',
            '--workers',
            '0',
          ],
          {
            SHAMBA_LOG_LEVEL: 'silent',
          },
        );
        await waitForOutput(child, /Shamba is running/, 30_000);
        return child;
      };
      let child = await start();

      const T = Math.floor(Date.now() / 1000) * 1000 - DAY_MS;
      const acked = new Map<string, Set<number>>();
      const clients: MqttClient[] = creds.map((c) =>
        connect(`mqtt://127.0.0.1:${port}`, {
          protocolVersion: 4,
          clientId: c.username,
          ...c,
          clean: false,
          reconnectPeriod: 100,
          connectTimeout: 2000,
        }),
      );
      for (const c of clients) c.on('error', () => undefined);
      const publishers = clients.map(async (client, i) => {
        const deviceId = `crash-${i}`;
        const seen = new Set<number>();
        acked.set(deviceId, seen);
        for (let seq = 0; seq < READINGS; seq++) {
          const payload = Buffer.from(
            encodeSenml([
              { deviceId, stream: 'soil', timeMs: T + seq * 60_000, seq, values: { vwc10: 0.2 } },
            ]),
          );
          // MQTT.js keeps an unacknowledged QoS 1 publish and resends it after reconnecting.
          await client.publishAsync(upTopic(COOP, deviceId, 'soil'), payload, { qos: 1 });
          seen.add(seq);
          // A steady trickle, as devices report, so the kills land mid-stream.
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });

      const ackedAtKill: number[] = [];
      const ackedSoFar = () => [...acked.values()].reduce((n, s) => n + s.size, 0);
      // Kill only once readings flow (clients connect at their own pace on a busy machine).
      while (ackedSoFar() < DEVICES * 5) await new Promise((resolve) => setTimeout(resolve, 20));
      for (let k = 0; k < KILLS; k++) {
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
        // A kill after the last acknowledgement would test nothing: stop there.
        if (ackedSoFar() >= DEVICES * READINGS) break;
        ackedAtKill.push(ackedSoFar());
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
        child = await start();
      }
      await Promise.all(publishers);
      // Every kill fell while readings were still being published, and there were several.
      expect(ackedAtKill.every((n) => n > 0 && n < DEVICES * READINGS)).toBe(true);
      expect(ackedAtKill.length).toBeGreaterThanOrEqual(2);
      await Promise.all(clients.map((c) => c.endAsync()));
      const stopped = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await stopped;

      const store = await createSqliteTimeSeriesStore({ path: join(dataDir, 'timeseries.sqlite') });
      for (const [deviceId, seqs] of acked) {
        const stored = await store.query({
          deviceIds: [deviceId],
          fromMs: T,
          toMs: T + READINGS * 60_000,
        });
        expect(seqs.size).toBe(READINGS);
        expect(stored.map((r) => r.seq)).toEqual([...seqs].sort((a, b) => a - b));
      }
      await store.close();
    },
  );
});
