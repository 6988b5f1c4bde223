import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedScenario } from '@shamba/cli';
import { createSimulation } from '@shamba/firmware-sim';
import { OROMIA_DEMO } from '@shamba/world';
import type { Reading } from '@shamba/schemas';
import { startIngest, type IngestStack } from './support/ingest.js';
import { tempDir } from './support/temp-dir.js';

const MIN = 60_000;
const INTERVAL_MS = 15 * MIN; // the demo's sampling interval

/** Every reading the devices took, from their flash logs, as `device stream second`. */
function taken(stateDir: string): string[] {
  const flash = join(stateDir, 'flash');
  return readdirSync(flash)
    .flatMap((file) => readFileSync(join(flash, file), 'utf8').split('\n'))
    .filter((line) => line.startsWith('{"r"'))
    .map((line) => key((JSON.parse(line) as { r: Reading }).r));
}

// Seconds: the compact codec carries whole seconds (schemas/src/codecs/compact.ts).
const key = (r: Pick<Reading, 'deviceId' | 'stream' | 'timeMs'>) =>
  `${r.deviceId} ${r.stream} ${Math.floor(r.timeMs / 1000)}`;

/** What reached the store, but the status stream, where the broker's last wills land too. */
async function stored(ingest: IngestStack): Promise<string[]> {
  const readings = await ingest.store.query({
    deviceIds: OROMIA_DEMO.devices.map((d) => d.id),
    fromMs: 0,
    toMs: Date.now() + 24 * 60 * MIN,
  });
  return readings.filter((r) => r.stream !== 'status').map(key);
}

/** Runs the demo's devices as `shamba start --demo` does until caught up and sent, then stops. */
async function runOnce(
  ingest: IngestStack,
  stateDir: string,
  credentials: object,
  startMs: number,
) {
  await using sim = createSimulation({
    scenario: OROMIA_DEMO,
    brokerUrl: ingest.url,
    credentials: credentials as Record<string, { username: string; password: string }>,
    startMs,
    stateDir,
  });
  const stop = new AbortController();
  const running = sim.run({ speed: 1e6, signal: stop.signal });
  while (sim.nextSampleMs <= Date.now()) await new Promise((resolve) => setTimeout(resolve, 20));
  const aheadMs = sim.nextSampleMs - Date.now();
  await sim.drained();
  stop.abort();
  await running;
  return aheadMs;
}

// Issue 14: a restarted simulator sampled at its saved next time at once, up to 15 minutes
// ahead of the box (277 after 21 restarts); the ingest dead-lettered those readings as
// TIME_IN_FUTURE yet acknowledged them, and the devices dropped them.
describe('the demo simulator, restarted', () => {
  it(
    'catches up, is restarted 3 times, and every reading it took is stored, none in the future',
    { timeout: 90_000 },
    async () => {
      using dir = tempDir();
      await using ingest = await startIngest(dir.path);
      const startMs = Date.now() - 2 * 60 * MIN;
      const { devices } = await seedScenario(ingest.registry, OROMIA_DEMO, { atMs: startMs });
      const stateDir = join(dir.path, 'sim');
      const aheadMs: number[] = [];
      for (let run = 0; run < 4; run++)
        aheadMs.push(await runOnce(ingest, stateDir, devices, startMs));

      const took = taken(stateDir);
      // 2 hours at 15 minutes: 8 or 9 samples per device (as the clock falls), and GNSS fixes.
      expect(took.filter((k) => k.startsWith('probe-1-1 soil')).length).toBeGreaterThanOrEqual(8);
      expect((await stored(ingest)).sort()).toEqual(took.sort());
      expect(await ingest.registry.deadLetters.list()).toEqual([]);
      // The next sample is never due later than one interval from now (it ran away by 15 min
      // a restart).
      expect(aheadMs.filter((ms) => ms > INTERVAL_MS)).toEqual([]);
    },
  );

  it(
    'resumes a state saved 277 minutes ahead at the box clock, losing nothing',
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      await using ingest = await startIngest(dir.path);
      const startMs = Date.now() - 60 * MIN;
      const { devices } = await seedScenario(ingest.registry, OROMIA_DEMO, { atMs: startMs });
      const stateDir = join(dir.path, 'sim');
      // What 21 restarts of the old simulator left behind.
      mkdirSync(stateDir);
      writeFileSync(
        join(stateDir, 'simulation.json'),
        JSON.stringify({
          scenarioId: OROMIA_DEMO.id,
          startMs,
          nextSampleMs: Date.now() + 277 * MIN,
        }),
      );
      const aheadMs: number[] = [];
      for (let run = 0; run < 2; run++)
        aheadMs.push(await runOnce(ingest, stateDir, devices, startMs));

      const took = taken(stateDir);
      expect(took.filter((k) => k.startsWith('probe-1-1 soil'))).toHaveLength(1);
      expect((await stored(ingest)).sort()).toEqual(took.sort());
      expect(await ingest.registry.deadLetters.list()).toEqual([]);
      // The next sample is never due later than one interval from now (it ran away by 15 min
      // a restart).
      expect(aheadMs.filter((ms) => ms > INTERVAL_MS)).toEqual([]);
    },
  );
});
