import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
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
 * How every simulated device connects: MQTT 3.1.1, client id = device id (the broker binds the
 * two), a persistent session (clean=false) so QoS 1 messages in flight survive a reconnect, a
 * keepalive of a minute (cheap on a cellular data plan, quick to notice a dead link).
 */
export function deviceConnectOptions(
  deviceId: string,
  credentials: DeviceCredentials,
): IClientOptions {
  return {
    protocolVersion: 4,
    clientId: deviceId,
    username: credentials.username,
    password: credentials.password,
    clean: false,
    keepalive: 60,
    connectTimeout: 10_000,
  };
}

/** A minimal device for tests and tools: publishes SenML samples at QoS 1 and counts its seq. */
export async function createSimDevice(options: SimDeviceOptions): Promise<SimDevice> {
  const client: MqttClient = await connectAsync(options.brokerUrl, {
    ...deviceConnectOptions(options.deviceId, options.credentials),
    reconnectPeriod: 2000,
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
