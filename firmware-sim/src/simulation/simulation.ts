import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DAY_MS, parseNmea, type GgaSentence, type RmcSentence } from '@shamba/schemas';
import {
  createWorld,
  daylightShare,
  deviceZoneId,
  overpassesBetween,
  renderScene,
  rng,
  solarHour,
  writeScene,
  type Rng,
  type Scenario,
  type ScenarioDevice,
  type World,
} from '@shamba/world';
import type { DeviceCredentials } from '../devices/sim-device.js';
import type { BackoffOptions } from '../firmware/backoff.js';
import {
  startDeviceFirmware,
  type DeviceFirmware,
  type FirmwareStats,
} from '../firmware/device-firmware.js';
import { gnssEpoch, type GnssProfile } from '../firmware/gnss-receiver.js';
import { startShortMessageGateway, type ShortMessageGateway } from '../beidou/gateway.js';
import {
  GLOBAL_CIVIL_CARD,
  createShortMessageNetwork,
  createTerminal,
} from '../beidou/terminal.js';
import { startBeidouFirmware, type BeidouFirmware } from '../firmware/beidou-firmware.js';
import { readState, writeState, type DeviceClock } from './saved-state.js';
import { centreOf, hash, scaleDevices } from './scenario-devices.js';

export interface SimulationOptions {
  scenario: Scenario;
  brokerUrl: string;
  /** Per-device MQTT credentials; a device without any connects with its id as user name only. */
  credentials?: Record<string, DeviceCredentials>;
  /** Simulated time of the first sample; a resumed simulation keeps its own. */
  startMs: number;
  /** Flash queues and the simulation's clock live here, so a killed simulator resumes. */
  stateDir: string;
  /** Device sampling interval in simulated time. 15 min is a common soil-probe schedule. */
  sampleIntervalMs?: number;
  /** A GNSS fix every this many samples (hourly by default): it also disciplines the clock. */
  gnssEveryTicks?: number;
  /** Scale the scenario to this many devices by cloning its devices (load tests). */
  devices?: number;
  /** Where satellite overpasses write their scenes (GeoTIFF bands and a STAC item); none if unset. */
  scenesDir?: string;
  backoff?: BackoffOptions;
  /** Wall clock, to stop accelerated time from running into the future. */
  clock?: () => number;
}

export interface RunOptions {
  /** Simulated seconds per real second while catching up with the wall clock. */
  speed: number;
  signal?: AbortSignal;
}

export interface SimulatedDevice {
  readonly spec: ScenarioDevice;
  /** The zone it measures (null: the field has no zones). */
  readonly zoneId: string | null;
  readonly firmware: DeviceFirmware;
  position: [number, number];
  batteryPct: number;
  /** Device clock minus true time, ms. */
  clockErrorMs(trueMs: number): number;
  /** A GNSS fix at true time `trueMs` sets the device clock. */
  syncClock(trueMs: number): void;
}

export interface Simulation extends AsyncDisposable {
  readonly world: World;
  readonly devices: ReadonlyMap<string, SimulatedDevice>;
  /** Simulated time of the next sample. */
  readonly nextSampleMs: number;
  /** Every device samples at the current simulated time into its flash; then time moves on. */
  tick(): void;
  /** Ticks at `speed` until caught up with the wall clock, then in real time, until aborted. */
  run(options: RunOptions): Promise<void>;
  /** Resolves when every device's flash queue is empty. */
  drained(): Promise<void>;
  stats(): Record<string, FirmwareStats>;
  close(): Promise<void>;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 15 * 60_000;
const DEFAULT_GNSS: GnssProfile = { talker: 'GB', rtk: false };
// Battery budget: a probe with a 2 W panel. 0.05 % per 15-min cycle (sample + send) is ~5 %/day;
// the panel returns up to ~10 %/day on a clear day.
const DRAIN_PCT_PER_TICK = 0.05;
const SOLAR_PCT_PER_DAY = 10;
// Below POWER_SAVE the firmware samples every other cycle; below BROWNOUT the radio stays off
// (samples still go to flash) until the battery is back above RADIO_BACK.
const POWER_SAVE_PCT = 15;
const BROWNOUT_PCT = 5;
const RADIO_BACK_PCT = 8;

export function createSimulation(options: SimulationOptions): Simulation {
  const { scenario } = options;
  const interval = options.sampleIntervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  const gnssEvery = options.gnssEveryTicks ?? 4;
  const clock = options.clock ?? Date.now;
  mkdirSync(options.stateDir, { recursive: true });
  const statePath = join(options.stateDir, 'simulation.json');
  const saved = readState(statePath);
  const resumed = saved !== undefined && saved.scenarioId === scenario.id;
  const startMs = resumed ? saved.startMs : options.startMs;
  // Simulated time (that of the last sample) never runs ahead of the box's clock (issue 14). A
  // resumed simulation keeps its devices' schedule (the next sample is due at the saved time, up
  // to one interval from now, and `run` waits for it), unless its last sample is itself in the
  // future (a state saved before this fix, or a clock set back since): then it resumes now.
  let next = !resumed
    ? options.startMs
    : saved.nextSampleMs - interval > clock()
      ? clock()
      : saved.nextSampleMs;
  const world = createWorld(scenario, startMs);
  world.advanceTo(next); // a resumed world replays its deterministic past in milliseconds
  if (options.scenesDir !== undefined && !resumed) {
    // An archive scene of the world as it starts, so a new farm has a satellite view at once.
    const scene = renderScene(scenario, world);
    writeScene(scene, join(options.scenesDir, scene.id));
  }
  const random: Rng = rng(scenario.seed ^ 0x5eed);
  let tickCount = Math.round((next - startMs) / interval);

  const specs = scaleDevices(scenario, options.devices);
  const devices = new Map<string, SimulatedDevice>();
  const clocks = new Map<string, DeviceClock>();
  const network = createShortMessageNetwork();
  const beidou: BeidouFirmware[] = [];
  const gateway: ShortMessageGateway | undefined =
    scenario.beidouGateway === undefined || !specs.some((d) => d.beidouCard !== undefined)
      ? undefined
      : startShortMessageGateway({
          brokerUrl: options.brokerUrl,
          coopId: scenario.coop.id,
          gatewayId: scenario.beidouGateway.id,
          credentials: options.credentials?.[scenario.beidouGateway.id] ?? {
            username: scenario.beidouGateway.id,
            password: '',
          },
          cardId: scenario.beidouGateway.card,
          network,
          cardToDevice: Object.fromEntries(
            specs.flatMap((d) => (d.beidouCard === undefined ? [] : [[d.beidouCard, d.id]])),
          ),
        });
  for (const spec of specs) {
    const deviceRandom = rng(hash(`${scenario.seed}:${spec.id}`));
    // An RTC set by hand at installation is seconds off until the first GNSS fix.
    const installed: DeviceClock = {
      syncedTrueMs: startMs,
      offsetMs: (deviceRandom() - 0.5) * 4000,
    };
    const driftPpm = spec.driftPpm ?? 40 * (deviceRandom() - 0.5);
    // A resumed device keeps the clock its last fix set. It used to restart from installation,
    // drifting from the scenario's start: 20 ppm over a 6-month demo is 5 minutes ahead, past
    // the ingest's TIME_IN_FUTURE tolerance until the next fix.
    const kept = resumed ? saved.clocks?.[spec.id] : undefined;
    const deviceClock: DeviceClock =
      kept ?? (resumed ? { syncedTrueMs: next, offsetMs: 0 } : installed);
    // Never a sync time after the resumed present (a future state clamped to now).
    deviceClock.syncedTrueMs = Math.min(deviceClock.syncedTrueMs, next);
    const flashPath = join(options.stateDir, 'flash', `${spec.id}.log`);
    let firmware: DeviceFirmware;
    if (spec.beidouCard !== undefined) {
      const viaSatellite = startBeidouFirmware({
        deviceId: spec.id,
        flashPath,
        terminal: createTerminal({ cardId: spec.beidouCard, network }),
        gatewayCard: scenario.beidouGateway!.card,
        limits: GLOBAL_CIVIL_CARD,
      });
      beidou.push(viaSatellite);
      firmware = viaSatellite;
    } else {
      firmware = startDeviceFirmware({
        brokerUrl: options.brokerUrl,
        coopId: scenario.coop.id,
        deviceId: spec.id,
        credentials: options.credentials?.[spec.id] ?? { username: spec.id, password: '' },
        flashPath,
        codec: spec.codec ?? 'senml',
        gnss: spec.gnss ?? DEFAULT_GNSS,
        random: deviceRandom,
        now: present,
        ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
        onCommand: (command, payload) => {
          if (spec.kind !== 'valve-controller' || command !== 'irrigate') return;
          const { depthMm } = JSON.parse(payload.toString()) as { depthMm: number };
          if (!(depthMm > 0 && depthMm <= 200)) return; // a valve refuses an absurd order
          world.irrigate(spec.fieldId, depthMm);
          const atMs = present();
          firmware.record('status', device.clockErrorMs(atMs) + atMs, {
            appliedMm: depthMm,
            online: 1,
          });
        },
      });
    }
    const device: SimulatedDevice = {
      spec,
      zoneId: deviceZoneId(scenario, spec),
      firmware,
      position: spec.position ?? centreOf(scenario, spec.fieldId),
      batteryPct: spec.batteryPct ?? 96,
      clockErrorMs: (trueMs) =>
        deviceClock.offsetMs + ((trueMs - deviceClock.syncedTrueMs) * driftPpm) / 1e6,
      // GNSS time disciplines the clock: after a fix the error restarts from zero.
      syncClock: (trueMs) => {
        deviceClock.syncedTrueMs = trueMs;
        deviceClock.offsetMs = 0;
      },
    };
    devices.set(spec.id, device);
    clocks.set(spec.id, deviceClock);
  }

  /**
   * The simulation's present between samples, for what happens then (a valve's order, the time in
   * a last will): the wall clock, kept strictly inside the current sample interval, so it is
   * never ahead of the box's clock by more than `margin`, and never the time of a sample (whose
   * reading it would overwrite: readings are keyed by device time).
   */
  function present(): number {
    const margin = Math.min(1000, interval / 4);
    return Math.max(next - interval + margin, Math.min(clock(), next - margin));
  }

  function sampleDevice(device: SimulatedDevice, trueMs: number) {
    const { spec, firmware } = device;
    // Battery: drain per cycle, solar by day.
    const share =
      spec.solar === false
        ? 0
        : daylightShare(solarHour(trueMs, scenario.site.longitudeDeg), interval / 3_600_000);
    device.batteryPct = Math.min(
      100,
      Math.max(0, device.batteryPct - DRAIN_PCT_PER_TICK + SOLAR_PCT_PER_DAY * share),
    );
    if (device.batteryPct < BROWNOUT_PCT) firmware.setRadio(false);
    else if (device.batteryPct >= RADIO_BACK_PCT) firmware.setRadio(true);
    if (device.batteryPct < POWER_SAVE_PCT && tickCount % 2 === 1) return;

    const deviceTime = trueMs + device.clockErrorMs(trueMs);
    const battery = Math.round(device.batteryPct);
    switch (spec.kind) {
      case 'soil-probe':
        firmware.record('soil', deviceTime, {
          ...world.soilSample(spec.id, spec.fieldId, device.zoneId ?? undefined),
          batteryPct: battery,
        });
        break;
      case 'weather-station':
        firmware.record('weather', deviceTime, {
          ...world.weatherSample(spec.fieldId, trueMs - interval),
          batteryPct: battery,
        });
        break;
      case 'valve-controller':
        firmware.record('status', deviceTime, {
          batteryPct: battery,
          online: 1,
          queueDepth: firmware.queue.size,
        });
        break;
      case 'beidou-gateway':
        break; // the cooperative office's terminal, not a field device
    }
    if (tickCount % gnssEvery === 0) {
      // The firmware reads its receiver's NMEA, as on the device's serial port.
      const [lon, lat] = device.position;
      const sentences = gnssEpoch(
        {
          timeMs: trueMs,
          truth: { latitudeDeg: lat, longitudeDeg: lon, altitudeM: scenario.site.elevationM },
          geoidSeparationM: scenario.geoidSeparationM ?? 0,
        },
        spec.gnss ?? DEFAULT_GNSS,
        random,
      );
      const parsed = sentences.map(parseNmea).flatMap((r) => (r.ok ? [r.sentence] : []));
      const gga = parsed.find((s): s is GgaSentence => s.type === 'GGA');
      const rmc = parsed.find((s): s is RmcSentence => s.type === 'RMC');
      if (
        gga?.latitudeDeg != null &&
        gga.longitudeDeg != null &&
        rmc?.dateMs != null &&
        rmc.timeOfDayS !== null
      ) {
        const gnssTimeMs = rmc.dateMs + Math.round(rmc.timeOfDayS * 1000);
        device.syncClock(gnssTimeMs);
        firmware.record('gnss', gnssTimeMs, {
          latitudeDeg: gga.latitudeDeg,
          longitudeDeg: gga.longitudeDeg,
          altitudeM: gga.altitudeM ?? 0,
          fixQuality: gga.fixQuality,
          satellites: gga.satellites ?? 0,
          hdop: gga.hdop ?? 99.99,
        });
      }
    }
  }

  function tick() {
    world.advanceTo(next);
    if (
      options.scenesDir !== undefined &&
      overpassesBetween(scenario, next - interval, next).length > 0
    ) {
      const scene = renderScene(scenario, world);
      writeScene(scene, join(options.scenesDir, scene.id));
    }
    for (const event of scenario.events ?? []) {
      const at = startMs + event.dayOffset * DAY_MS;
      const device = devices.get(event.deviceId);
      if (device !== undefined && at > next - interval && at <= next)
        device.position = event.relocateTo;
    }
    for (const device of devices.values()) sampleDevice(device, next);
    for (const firmware of beidou) firmware.pump(next, next + interval);
    next += interval;
    tickCount++;
    writeState(statePath, {
      scenarioId: scenario.id,
      startMs,
      nextSampleMs: next,
      clocks: Object.fromEntries(clocks),
    });
  }

  const close = async () => {
    await Promise.all([...devices.values()].map((d) => d.firmware.stop()));
    await gateway?.close();
  };
  return {
    world,
    devices,
    get nextSampleMs() {
      return next;
    },
    tick,
    async run({ speed, signal }) {
      while (signal?.aborted !== true) {
        // A sample is taken only once the wall clock has reached its time. This loop used to
        // sample first and look at the clock after: once caught up, every tick ran a whole
        // interval (15 min) ahead, was saved so, and a restart sampled at that saved time at
        // once, 15 more minutes ahead each time (issue 14).
        const aheadMs = next - clock();
        if (aheadMs > 0) {
          await sleep(aheadMs, signal); // real time: wait for the sample's time
          continue;
        }
        tick();
        // Accelerated while behind the wall clock: `speed` simulated seconds per real second.
        if (clock() > next) await sleep(interval / speed, signal);
      }
    },
    /** Short-message devices only drain as ticks give their cards a turn; tick them meanwhile. */
    drained: async () => {
      await Promise.all([...devices.values()].map((d) => d.firmware.drained()));
      await gateway?.settled();
    },
    stats: () => Object.fromEntries([...devices].map(([id, d]) => [id, d.firmware.stats()])),
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
