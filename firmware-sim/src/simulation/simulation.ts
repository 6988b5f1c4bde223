import type { Scenario } from '../scenarios/scenario.js';
import { createSimDevice, type DeviceCredentials, type SimDevice } from '../devices/sim-device.js';
import { createWorld, type World } from '../world/world.js';

export interface SimulationOptions {
  scenario: Scenario;
  brokerUrl: string;
  credentials: Record<string, DeviceCredentials>;
  /** Simulated time of the first sample. */
  startMs: number;
  /** Device sampling interval in simulated time. 15 min is a common soil-probe schedule. */
  sampleIntervalMs?: number;
  /** Wall clock, to stop accelerated time from running into the future. */
  clock?: () => number;
  onError?: (error: unknown) => void;
}

export interface RunOptions {
  /** Simulated seconds per real second while catching up with the wall clock. */
  speed: number;
  signal?: AbortSignal;
}

export interface Simulation extends AsyncDisposable {
  readonly world: World;
  /** Simulated time of the next sample. */
  readonly nextSampleMs: number;
  /** Every device publishes one sample at the current simulated time; then time moves on. */
  tick(): Promise<void>;
  /** Ticks at `speed` until caught up with the wall clock, then in real time, until aborted. */
  run(options: RunOptions): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 15 * 60_000;

export async function createSimulation(options: SimulationOptions): Promise<Simulation> {
  const { scenario } = options;
  const interval = options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const clock = options.clock ?? Date.now;
  const world = createWorld(scenario, options.startMs);
  const devices = new Map<string, SimDevice>();
  try {
    for (const device of scenario.devices) {
      const credentials = options.credentials[device.id];
      if (credentials === undefined) throw new Error(`no credentials for device ${device.id}`);
      devices.set(
        device.id,
        await createSimDevice({
          brokerUrl: options.brokerUrl,
          coopId: scenario.coop.id,
          deviceId: device.id,
          credentials,
        }),
      );
    }
  } catch (error) {
    await Promise.all([...devices.values()].map((d) => d.close()));
    throw error;
  }

  let next = options.startMs;
  async function tick() {
    const previous = next - interval;
    world.advanceTo(next);
    await Promise.all(
      scenario.devices.map(async (device) => {
        const sim = devices.get(device.id)!;
        switch (device.kind) {
          case 'soil-probe':
            return sim.publish('soil', next, world.soilSample(device.id, device.fieldId));
          case 'weather-station':
            return sim.publish('weather', next, world.weatherSample(device.fieldId, previous));
          case 'valve-controller':
            return undefined;
        }
      }),
    );
    next += interval;
  }

  const close = async () => {
    await Promise.all([...devices.values()].map((d) => d.close()));
  };
  return {
    world,
    get nextSampleMs() {
      return next;
    },
    tick,
    async run({ speed, signal }) {
      while (signal?.aborted !== true) {
        try {
          await tick();
        } catch (error) {
          options.onError?.(error);
        }
        // Accelerated while behind the wall clock; real time once caught up.
        const behindMs = clock() - next;
        const waitMs = behindMs > 0 ? interval / speed : Math.max(0, -behindMs);
        await sleep(waitMs, signal);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
