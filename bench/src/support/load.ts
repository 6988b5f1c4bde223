import { performance } from 'node:perf_hooks';
import { connectAsync, type MqttClient } from 'mqtt';
import { encodeSenml, upTopic } from '@shamba/schemas';

export interface LoadOptions {
  brokerUrl: string;
  coopId: string;
  devices: { id: string; password?: string }[];
  messagesPerDevice: number;
  /** QoS 1 messages a device keeps in flight (MQTT.js queues the rest). */
  inflight: number;
}

export interface LoadResult {
  messages: number;
  elapsedMs: number;
  /** Publish-to-PUBACK latencies, ms. */
  latenciesMs: number[];
}

/** The same load generator for every broker: N devices publishing QoS 1 SenML soil readings. */
export async function connectDevices(options: LoadOptions): Promise<MqttClient[]> {
  return Promise.all(
    options.devices.map((d) =>
      connectAsync(options.brokerUrl, {
        protocolVersion: 4,
        clientId: d.id,
        username: d.id,
        ...(d.password === undefined ? {} : { password: d.password }),
        clean: true,
        reconnectPeriod: 0,
      }),
    ),
  );
}

export async function publishLoad(
  clients: MqttClient[],
  options: LoadOptions,
): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const t0 = Date.UTC(2026, 0, 1);
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, index) => {
      const deviceId = options.devices[index]!.id;
      const topic = upTopic(options.coopId, deviceId, 'soil');
      let next = 0;
      const lane = async () => {
        while (next < options.messagesPerDevice) {
          const seq = next++;
          const payload = Buffer.from(
            encodeSenml([
              {
                deviceId,
                stream: 'soil',
                timeMs: t0 + seq * 60_000,
                seq,
                values: { vwc10: 0.21, vwc30: 0.24, vwc60: 0.26, soilTempC: 18.5 },
              },
            ]),
          );
          const sent = performance.now();
          await client.publishAsync(topic, payload, { qos: 1 });
          latenciesMs.push(performance.now() - sent);
        }
      };
      await Promise.all(Array.from({ length: options.inflight }, lane));
    }),
  );
  return {
    messages: clients.length * options.messagesPerDevice,
    elapsedMs: performance.now() - started,
    latenciesMs,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
