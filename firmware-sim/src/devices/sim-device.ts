import { connectAsync, type MqttClient } from 'mqtt';
import { encodeSenml, upTopic, type Reading, type UpStream } from '@shamba/schemas';

export interface DeviceCredentials {
  username: string;
  password: string;
}

export interface SimDeviceOptions {
  brokerUrl: string;
  coopId: string;
  deviceId: string;
  credentials: DeviceCredentials;
  /** First sequence number (the firmware keeps it in flash across reboots). */
  firstSeq?: number;
}

export interface SimDevice {
  readonly deviceId: string;
  /** Publishes one sample at QoS 1; resolves on PUBACK. */
  publish(stream: UpStream, timeMs: number, values: Record<string, number>): Promise<Reading>;
  close(): Promise<void>;
}

/**
 * A field device's MQTT side: MQTT 3.1.1, client id = device id, a persistent session
 * (clean=false) so QoS 1 messages in flight survive a reconnect, SenML payloads.
 */
export async function createSimDevice(options: SimDeviceOptions): Promise<SimDevice> {
  const client: MqttClient = await connectAsync(options.brokerUrl, {
    protocolVersion: 4,
    clientId: options.deviceId,
    username: options.credentials.username,
    password: options.credentials.password,
    clean: false,
    keepalive: 60,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  let seq = options.firstSeq ?? 0;
  return {
    deviceId: options.deviceId,
    async publish(stream, timeMs, values) {
      const reading: Reading = {
        deviceId: options.deviceId,
        stream,
        timeMs,
        seq: seq++ >>> 0,
        values,
      };
      await client.publishAsync(
        upTopic(options.coopId, options.deviceId, stream),
        Buffer.from(encodeSenml([reading])),
        {
          qos: 1,
        },
      );
      return reading;
    },
    async close() {
      await client.endAsync();
    },
  };
}
