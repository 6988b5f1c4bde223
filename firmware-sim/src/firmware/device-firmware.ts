import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  baseNameFor,
  downTopic,
  encodeCompact,
  encodeSenml,
  formatGga,
  formatRmc,
  formatShambaSeq,
  upTopic,
  type Reading,
  type UpStream,
} from '@shamba/schemas';
import { deviceConnectOptions, type DeviceCredentials } from '../devices/sim-device.js';
import type { Rng } from '@shamba/world';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import { openFlashQueue, type FlashQueue } from './flash-queue.js';
import type { GnssProfile } from './gnss-receiver.js';

export type PayloadCodec = 'senml' | 'compact';

export interface DeviceFirmwareOptions {
  brokerUrl: string;
  coopId: string;
  deviceId: string;
  credentials: DeviceCredentials;
  /** The device's flash: its unsent readings and sequence number survive restarts here. */
  flashPath: string;
  flashCapacity?: number;
  codec?: PayloadCodec;
  gnss: GnssProfile;
  random: Rng;
  backoff?: BackoffOptions;
  /** Commands arriving on the device's `down/{command}` topic. */
  onCommand?: (command: string, payload: Buffer) => void;
  /** Simulated time of a connection, for the last will's timestamp. */
  now: () => number;
}

export interface FirmwareStats {
  published: number;
  connects: number;
  connected: boolean;
  queued: number;
  dropped: number;
}

export interface DeviceFirmware {
  readonly deviceId: string;
  readonly queue: FlashQueue;
  /** Stores a sample in flash; it is sent when the link allows, in order, with this time. */
  record(stream: UpStream, timeMs: number, values: Record<string, number>): Reading;
  /** Radio on or off (off: low battery); samples keep queueing while off. */
  setRadio(on: boolean): void;
  /** Resolves once the flash queue is empty. */
  drained(): Promise<void>;
  stats(): FirmwareStats;
  /** Stops the radio; unsent readings stay in flash. */
  stop(): Promise<void>;
}

/** Readings per payload when replaying a backlog: a 16-sample SenML pack is about 2 KB. */
const BATCH = 16;
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

/**
 * The MQTT side of a field device's firmware: MQTT 3.1.1, client id = device id, a persistent
 * session, a last will on its status stream, QoS 1 from a flash queue (a reading leaves flash only
 * on PUBACK), and reconnection with exponential backoff and full jitter.
 */
export function startDeviceFirmware(options: DeviceFirmwareOptions): DeviceFirmware {
  const queue = openFlashQueue({
    path: options.flashPath,
    ...(options.flashCapacity === undefined ? {} : { capacity: options.flashCapacity }),
  });
  const codec = options.codec ?? 'senml';
  const stats = { published: 0, connects: 0 };
  let client: MqttClient | undefined;
  let connected = false;
  let radio = true;
  let stopped = false;
  let wake: () => void = () => undefined;
  const drainWaiters: (() => void)[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  function willPayload(): Buffer {
    // Marks the session that began at `bt` as ended; the broker publishes it if the link drops.
    return Buffer.from(
      JSON.stringify([
        {
          bn: baseNameFor(options.deviceId),
          bt: Math.floor(options.now() / 1000),
          n: 'seq',
          u: 'count',
          v: 0,
        },
        { n: 'online', u: '/', v: 0 },
      ]),
    );
  }

  function connectOnce(): Promise<MqttClient> {
    const mqttOptions: IClientOptions = {
      ...deviceConnectOptions(options.deviceId, options.credentials),
      reconnectPeriod: 0, // we reconnect ourselves, with backoff and jitter
      will: {
        topic: upTopic(options.coopId, options.deviceId, 'status'),
        payload: willPayload(),
        qos: 1,
        retain: false,
      },
    };
    return new Promise((resolve, reject) => {
      const c = connect(options.brokerUrl, mqttOptions);
      const fail = (error: Error) => {
        c.end(true);
        reject(error);
      };
      c.once('error', fail);
      c.once('close', () => fail(new Error('closed before CONNACK')));
      c.once('connect', () => {
        c.removeAllListeners('error');
        c.removeAllListeners('close');
        c.on('error', () => undefined);
        c.once('close', () => {
          connected = false;
          wake();
        });
        resolve(c);
      });
    });
  }

  function payloadFor(batch: Reading[]): Buffer {
    const first = batch[0]!;
    if (first.stream === 'gnss' && codec === 'senml') {
      // The receiver's own sentences, as the firmware read them, plus the sequence number.
      const v = first.values;
      const fix = {
        talker: options.gnss.talker,
        timeMs: first.timeMs,
        latitudeDeg: v.latitudeDeg ?? 0,
        longitudeDeg: v.longitudeDeg ?? 0,
        fixQuality: v.fixQuality ?? 0,
        satellites: v.satellites ?? 0,
        hdop: v.hdop ?? 99.99,
        altitudeM: v.altitudeM ?? 0,
        geoidSeparationM: 0,
      };
      return Buffer.from([formatGga(fix), formatRmc(fix), formatShambaSeq(first.seq)].join('\r\n'));
    }
    return Buffer.from(codec === 'compact' ? encodeCompact(batch) : encodeSenml(batch));
  }

  /** The longest run at the head of the queue that can share one payload. */
  function nextBatch(): Reading[] {
    const head = queue.peek(BATCH);
    const first = head[0];
    if (first === undefined) return [];
    if (first.stream === 'gnss') return [first];
    const batch = [first];
    for (const r of head.slice(1)) {
      const last = batch[batch.length - 1]!;
      if (r.stream !== first.stream || r.seq !== (last.seq + 1) >>> 0 || r.timeMs <= last.timeMs)
        break;
      batch.push(r);
    }
    return batch;
  }

  /** Resolves on PUBACK; rejects if the connection drops first (MQTT.js would wait for ever). */
  async function publish(c: MqttClient, batch: Reading[]): Promise<void> {
    let onClose: (() => void) | undefined;
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(new Error('connection closed'));
      c.once('close', onClose);
    });
    try {
      await Promise.race([
        c.publishAsync(
          upTopic(options.coopId, options.deviceId, batch[0]!.stream),
          payloadFor(batch),
          { qos: 1 },
        ),
        closed,
      ]);
    } finally {
      c.off('close', onClose!);
    }
  }

  async function loop(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      if (!radio) {
        await sleep(1000);
        continue;
      }
      if (!connected) {
        try {
          client = await connectOnce();
          if (stopped) {
            // Stopped while connecting: `stop` found no client to end, so end this one here, or
            // its keepalive timers hold the process open after shutdown.
            await client.endAsync(true).catch(() => undefined);
            break;
          }
          connected = true;
          stats.connects++;
          attempt = 0;
          client.on('message', (topic, payload) =>
            options.onCommand?.(topic.split('/').pop() ?? '', payload),
          );
          client.subscribe(downTopic(options.coopId, options.deviceId, '#'), { qos: 1 });
        } catch {
          if (stopped) break;
          await sleep(
            backoffDelayMs(attempt++, options.backoff ?? DEFAULT_BACKOFF, options.random),
          );
          continue;
        }
      }
      const batch = nextBatch();
      if (batch.length === 0) {
        for (const resolve of drainWaiters.splice(0)) resolve();
        await sleep(60_000);
        continue;
      }
      try {
        await publish(client!, batch);
        queue.ack(batch.length);
        stats.published += batch.length;
      } catch {
        connected = false;
        client?.end(true);
      }
    }
  }
  const running = loop();

  return {
    deviceId: options.deviceId,
    queue,
    record(stream, timeMs, values) {
      const reading = queue.push({
        deviceId: options.deviceId,
        stream,
        timeMs: Math.round(timeMs),
        values,
      });
      wake();
      return reading;
    },
    setRadio(on) {
      radio = on;
      if (!on && client !== undefined) {
        connected = false;
        client.end(true);
      }
      wake();
    },
    drained() {
      if (queue.size === 0) return Promise.resolve();
      return new Promise((resolve) => drainWaiters.push(resolve));
    },
    stats: () => ({ ...stats, connected, queued: queue.size, dropped: queue.dropped }),
    async stop() {
      stopped = true;
      wake();
      if (client !== undefined) await client.endAsync(true).catch(() => undefined);
      await running;
    },
  };
}
