import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { StoredReading } from '@shamba/schemas';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from './archive-layout.js';
import { exportCoop } from './coop-export.js';

// "A 10-million-reading cooperative exports in constant memory": 500,000 readings exported
// while the live heap is measured (after a full GC) every few MB of output.

const READINGS = 500_000;
const DEVICES = 100;
const T0 = Date.UTC(2026, 0, 1);
const STEP_MS = 15 * 60_000;
const MB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('exporting a large cooperative', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shamba-export-memory-'));
  beforeAll(async () => {
    const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    await registry.coops.upsert({ id: 'big', name: 'Big', countryCode: 'ET', timezone: 'UTC' });
    await registry.close();
    const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    for (let start = 0; start < READINGS; start += 10_000) {
      const batch: StoredReading[] = [];
      for (let i = start; i < start + 10_000; i++) {
        const instant = Math.floor(i / DEVICES);
        batch.push({
          deviceId: `probe-${i % DEVICES}`,
          stream: 'soil',
          timeMs: T0 + instant * STEP_MS,
          seq: instant,
          values: { vwc10: 0.2 + (i % 7) / 100, vwc30: 0.25, soilTempC: 18 + (i % 11) / 10 },
          coopId: 'big',
          fieldId: `field-${i % DEVICES}`,
          zoneId: null,
          receivedMs: T0 + instant * STEP_MS + 1200,
        });
      }
      await store.write(batch);
    }
    await store.close();
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'holds one page at a time, whatever the number of readings',
    { timeout: 300_000 },
    async () => {
      const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
      const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
      try {
        gc();
        const baseline = process.memoryUsage();
        let zipBytes = 0;
        let nextSample = 0;
        let liveHeapPeak = 0;
        let rssPeak = 0;
        const startedMs = performance.now();
        let manifest: Manifest | undefined;
        const chunks = exportCoop({
          registry,
          store,
          coopId: 'big',
          onManifest: (m) => (manifest = m),
        });
        for await (const chunk of chunks) {
          zipBytes += chunk.length; // taken and dropped, as a socket would
          rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
          if (zipBytes >= nextSample) {
            gc(); // what is still reachable: the export's own state
            liveHeapPeak = Math.max(liveHeapPeak, process.memoryUsage().heapUsed);
            nextSample += MB / 4;
          }
        }
        const seconds = (performance.now() - startedMs) / 1000;
        const growthMb = (liveHeapPeak - baseline.heapUsed) / MB;
        const csv = manifest!.files.filter((f) => f.path.startsWith('readings/'));
        const csvBytes = csv.reduce((n, f) => n + f.bytes, 0);
        // The figures for the report: `CI=true npx vitest run` prints them.
        console.info(
          `export of ${READINGS} readings: ${(csvBytes / MB).toFixed(1)} MB of CSV, ` +
            `${(zipBytes / MB).toFixed(1)} MB zip in ${seconds.toFixed(1)} s; ` +
            `live heap +${growthMb.toFixed(1)} MB, peak RSS ${(rssPeak / MB).toFixed(0)} MB ` +
            `(${(baseline.rss / MB).toFixed(0)} MB before)`,
        );
        expect(csv.reduce((n, f) => n + f.records, 0)).toBe(READINGS);
        // The readings as objects would take ~150 MB, their CSV ~45 MB: a page (5,000) is ~2 MB.
        expect(csvBytes).toBeGreaterThan(40 * MB);
        expect(growthMb).toBeLessThan(24);
      } finally {
        await store.close();
        await registry.close();
      }
    },
  );
});
