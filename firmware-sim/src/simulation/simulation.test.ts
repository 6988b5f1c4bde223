import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { DAY_MS, type Reading } from '@shamba/schemas';
import { describe, expect, it } from 'vitest';
import { OROMIA_DEMO, type Scenario } from '@shamba/world';
import { createSimulation } from './simulation.js';

// No broker listens here: devices keep everything in flash, which is what these tests read.
const NOWHERE = 'mqtt://127.0.0.1:9';
const START = Date.UTC(2026, 10, 20, 0);
const taken = (stateDir: string, deviceId: string): Reading[] =>
  readFileSync(join(stateDir, 'flash', `${deviceId}.log`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"r"'))
    .map((l) => (JSON.parse(l) as { r: Reading }).r);

describe('simulated devices (no broker)', () => {
  it("reports a stolen probe's GNSS position outside its field after the theft", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'shamba-sim-'));
    await using sim = createSimulation({
      scenario: OROMIA_DEMO,
      brokerUrl: NOWHERE,
      startMs: START,
      stateDir,
      devices: 15,
    });
    for (let i = 0; i < 4 * 30; i++) sim.tick(); // 30 hours; the theft is at day 1
    const field = OROMIA_DEMO.fields.find((f) => f.id === 'field-almaz-maize')!;
    const fixes = taken(stateDir, 'probe-3-4').filter((r) => r.stream === 'gnss');
    const inside = fixes.map((r) =>
      booleanPointInPolygon([r.values.longitudeDeg!, r.values.latitudeDeg!], field.boundary),
    );
    const firstOutside = inside.indexOf(false);
    expect(firstOutside).toBeGreaterThan(0);
    expect(inside.slice(0, firstOutside).every(Boolean)).toBe(true);
    expect(inside.slice(firstOutside).some(Boolean)).toBe(false);
    expect(fixes[firstOutside]!.timeMs).toBeGreaterThanOrEqual(START + DAY_MS);
  });

  it('keeps device clocks within their drift between GNSS fixes, and exact at a fix', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'shamba-sim-'));
    const scenario: Scenario = {
      ...OROMIA_DEMO,
      devices: [{ ...OROMIA_DEMO.devices[0]!, driftPpm: 50 }],
    };
    await using sim = createSimulation({
      scenario,
      brokerUrl: NOWHERE,
      startMs: START,
      stateDir,
      gnssEveryTicks: 8,
    });
    for (let i = 0; i < 16; i++) sim.tick();
    const soil = taken(stateDir, scenario.devices[0]!.id).filter((r) => r.stream === 'soil');
    const errors = soil.map((r, i) => r.timeMs - (START + i * 900_000));
    // Until the first fix the clock is as set by hand at installation, seconds off at most.
    expect(Math.abs(errors[0]!)).toBeLessThanOrEqual(2000);
    // The fix at tick 0 (taken after that tick's sample) sets it; then it runs 50 ppm fast,
    // 45 ms per 15 minutes, until the fix at tick 8 sets it again.
    expect(errors.slice(1, 9)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => Math.round(n * 900_000 * 50e-6)),
    );
    expect(errors.slice(9, 11)).toEqual([45, 90]);
  });

  it('saves power on a low battery and keeps its radio off below brown-out, sampling into flash', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'shamba-sim-'));
    const weak = { ...OROMIA_DEMO.devices[0]!, batteryPct: 4, solar: false };
    const scenario: Scenario = { ...OROMIA_DEMO, devices: [weak] };
    await using sim = createSimulation({ scenario, brokerUrl: NOWHERE, startMs: START, stateDir });
    for (let i = 0; i < 8; i++) sim.tick();
    const soil = taken(stateDir, weak.id).filter((r) => r.stream === 'soil');
    // Every other cycle is skipped below 15 %; each kept sample reports the battery it had.
    expect(soil.length).toBe(4);
    expect(soil.every((r) => r.values.batteryPct! <= 4)).toBe(true);
    expect(sim.stats()[weak.id]).toMatchObject({ connected: false, published: 0 });
  });

  describe('resuming (issue 14: its clock ran up to 277 minutes ahead of the box)', () => {
    const NOW = Date.UTC(2026, 11, 2, 9, 7, 30); // off the 15-minute grid on purpose
    const MIN = 60_000;
    const sampled = (stateDir: string) =>
      taken(stateDir, 'probe-1-1')
        .filter((r) => r.stream === 'soil')
        .map((r) => r.timeMs);
    /** Runs at `speed` against a wall clock stopped at `nowMs` until the loop waits. */
    const runBriefly = async (sim: ReturnType<typeof createSimulation>) => {
      const stop = new AbortController();
      const running = sim.run({ speed: 1e7, signal: stop.signal });
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop.abort();
      await running;
    };
    const options = (stateDir: string, nowMs: number) => ({
      scenario: { ...OROMIA_DEMO, devices: [{ ...OROMIA_DEMO.devices[0]!, driftPpm: 0 }] },
      brokerUrl: NOWHERE,
      startMs: NOW - 60 * MIN,
      stateDir,
      clock: () => nowMs,
    });

    it('resumes a state saved ahead of the wall clock at the wall clock, sampling nothing later', async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'shamba-sim-'));
      writeFileSync(
        join(stateDir, 'simulation.json'),
        JSON.stringify({
          scenarioId: OROMIA_DEMO.id,
          startMs: NOW - 60 * MIN,
          nextSampleMs: NOW + 277 * MIN,
        }),
      );
      await using sim = createSimulation(options(stateDir, NOW));
      expect(sim.nextSampleMs).toBe(NOW);
      await runBriefly(sim);
      // One sample, now (the resumed device's clock is as its last fix left it: no error), and
      // then the wait for the next one, in real time.
      expect(sampled(stateDir)).toEqual([NOW]);
      expect(sim.nextSampleMs).toBe(NOW + 15 * MIN);
    });

    it('catches up at speed, stops at the wall clock, and a restart keeps the schedule', async () => {
      const stateDir = mkdtempSync(join(tmpdir(), 'shamba-sim-'));
      {
        await using sim = createSimulation(options(stateDir, NOW));
        await runBriefly(sim);
        expect(sim.nextSampleMs).toBe(NOW + 15 * MIN);
      }
      const first = sampled(stateDir);
      // Every 15 minutes from the start up to the wall clock, none after it. The first sample
      // carries the RTC's installation offset (seconds); the fix after it sets the clock.
      expect(Math.abs(first[0]! - (NOW - 60 * MIN))).toBeLessThanOrEqual(2000);
      expect(first.slice(1)).toEqual([NOW - 45 * MIN, NOW - 30 * MIN, NOW - 15 * MIN, NOW]);
      // Restarted 3 times within the interval: no sample early, none ahead of the clock.
      for (const later of [1, 2, 3]) {
        await using sim = createSimulation(options(stateDir, NOW + later * MIN));
        expect(sim.nextSampleMs).toBe(NOW + 15 * MIN);
        await runBriefly(sim);
      }
      expect(sampled(stateDir)).toEqual(first);
      // Once the clock reaches the next slot, that sample is taken, and only that one, by a clock
      // the saved state kept as its last fix set it.
      {
        await using sim = createSimulation(options(stateDir, NOW + 16 * MIN));
        await runBriefly(sim);
      }
      expect(sampled(stateDir)).toEqual([...first, NOW + 15 * MIN]);
    });

    it("resumes each device's clock as its last fix set it, not drifting from the scenario's start", async () => {
      const drifting = {
        ...OROMIA_DEMO,
        devices: OROMIA_DEMO.devices.slice(0, 2).map((d) => ({ ...d, driftPpm: 50 })),
      };
      const stateDir = mkdtempSync(join(tmpdir(), 'shamba-sim-'));
      // A season-old demo: its clock, restarted from installation, would be 180 d x 50 ppm =
      // 777.6 s (13 minutes) fast, past the ingest's 5-minute TIME_IN_FUTURE tolerance.
      writeFileSync(
        join(stateDir, 'simulation.json'),
        JSON.stringify({
          scenarioId: OROMIA_DEMO.id,
          startMs: NOW - 180 * DAY_MS,
          nextSampleMs: NOW,
          clocks: { 'probe-1-1': { syncedTrueMs: NOW - 30 * MIN, offsetMs: 0 } },
        }),
      );
      await using sim = createSimulation({ ...options(stateDir, NOW), scenario: drifting });
      await runBriefly(sim);
      // Half an hour since its last fix at 50 ppm: 90 ms fast. The other device, saved before
      // clocks were, restarts its error from the resume.
      expect(sampled(stateDir)).toEqual([NOW + 90]);
      const other = taken(stateDir, 'probe-1-2').filter((r) => r.stream === 'soil');
      expect(other.map((r) => r.timeMs)).toEqual([NOW]);
    });
  });
});
