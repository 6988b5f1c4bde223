import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Reading } from '@shamba/schemas';
import { describe, expect, it } from 'vitest';
import { OROMIA_DEMO } from '../scenarios/built-in.js';
import type { Scenario } from '../scenarios/scenario.js';
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
    expect(fixes[firstOutside]!.timeMs).toBeGreaterThanOrEqual(START + 86_400_000);
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
});
