import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createShamba, seedScenario } from '@shamba/cli';
import { createSimulation } from '@shamba/firmware-sim';
import { DAY_MS } from '@shamba/schemas';
import { OROMIA_DEMO } from '@shamba/world';
import type { InfluxTimeSeriesStore } from '@shamba/storage';
import { hasInfluxd, startInfluxd } from '@shamba/storage/testing';
import { tempDir } from './support/temp-dir.js';

// The whole pipeline on InfluxDB (Debian's 1.6.7): .ci/run installs it; elsewhere without it,
// skipped there and only there.
describe.runIf(hasInfluxd || process.env.CI !== undefined)('pipeline on InfluxDB', () => {
  it(
    'loses nothing and duplicates nothing when InfluxDB stops mid-stream',
    { timeout: 90_000 },
    async () => {
      using dir = tempDir();
      await using influxd = await startInfluxd(join(dir.path, 'influxd'));
      await using shamba = await createShamba({
        dataDir: join(dir.path, 'data'),
        logger: pino({ level: 'silent' }),
        mqtt: { port: 0 },
        api: { port: 0 },
        workers: 0,
        analyticsIntervalMs: 3_600_000,
        store: {
          kind: 'influxdb',
          url: influxd.url,
          database: 'shamba',
          retry: { baseMs: 50, capMs: 300 },
        },
      });
      const credentials = await seedScenario(shamba.registry, OROMIA_DEMO);
      const startMs = Math.floor((Date.now() - DAY_MS) / 900_000) * 900_000;
      await using sim = createSimulation({
        scenario: OROMIA_DEMO,
        brokerUrl: shamba.mqttUrl,
        credentials: credentials.devices,
        startMs,
        stateDir: join(dir.path, 'sim'),
        devices: 5,
        backoff: { baseMs: 50, capMs: 300 },
      });
      const store = shamba.store as InfluxTimeSeriesStore;
      for (let i = 0; i < 4; i++) sim.tick();
      await sim.drained();
      await influxd.stop(); // mid-stream: devices keep publishing, the broker keeps acknowledging
      for (let i = 0; i < 8; i++) sim.tick();
      await sim.drained();
      expect(store.spoolDepth()).toBeGreaterThan(0);
      await influxd.start();
      for (let i = 0; i < 4; i++) sim.tick();
      await sim.drained();
      await store.drained();

      const all = await store.query({ fromMs: startMs - 3_600_000, toMs: Date.now() });
      const perDevice = new Map<string, number[]>();
      for (const r of all)
        if (r.stream !== 'status')
          perDevice.set(r.deviceId, [...(perDevice.get(r.deviceId) ?? []), r.seq]);
      // 16 samples each, plus a GNSS fix every fourth: seqs 0..19, every one exactly once.
      expect([...perDevice.keys()].sort()).toEqual([
        'probe-1-1',
        'probe-1-2',
        'probe-1-3',
        'probe-1-4',
        'wx-1',
      ]);
      for (const seqs of perDevice.values())
        expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(shamba.broker.stats().readingsCommitted).toBe(100);
    },
  );
});
