import { connect, type MqttClient } from 'mqtt';
import { decodeCompact, parseTxr, upTopic } from '@shamba/schemas';
import type { DeviceCredentials } from '../devices/sim-device.js';
import type { ShortMessageNetwork } from './terminal.js';

export interface GatewayOptions {
  brokerUrl: string;
  coopId: string;
  gatewayId: string;
  credentials: DeviceCredentials;
  cardId: string;
  network: ShortMessageNetwork;
  /** Which device each sending card belongs to. */
  cardToDevice: Record<string, string>;
}

export interface ShortMessageGateway {
  readonly relayed: number;
  readonly rejected: number;
  /** Resolves once every message received so far has been acknowledged by the broker. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The ground side of the BeiDou short-message link: a terminal at the cooperative office whose
 * $BDTXR sentences are decoded and republished to MQTT under each device's identity, unchanged:
 * the compact frame carries the device's own times and sequence numbers.
 */
export function startShortMessageGateway(options: GatewayOptions): ShortMessageGateway {
  // Connects in the background and keeps retrying; MQTT.js holds QoS 1 publishes until then.
  const client: MqttClient = connect(options.brokerUrl, {
    protocolVersion: 4,
    clientId: options.gatewayId,
    username: options.credentials.username,
    password: options.credentials.password,
    clean: false,
    reconnectPeriod: 1000,
  });
  client.on('error', () => undefined); // refused or unreachable: it retries
  let relayed = 0;
  let rejected = 0;
  let pending: Promise<unknown> = Promise.resolve();
  options.network.attach(options.cardId, (line) => {
    try {
      const message = parseTxr(line);
      const deviceId = options.cardToDevice[message.fromCard];
      if (deviceId === undefined) throw new Error(`card ${message.fromCard} belongs to no device`);
      const [first] = decodeCompact(message.payload, deviceId);
      // QoS 1 with a persistent session: MQTT.js keeps it until the broker acknowledges.
      pending = Promise.all([
        pending,
        client.publishAsync(
          upTopic(options.coopId, deviceId, first!.stream),
          Buffer.from(message.payload),
          { qos: 1 },
        ),
      ]);
      relayed++;
    } catch {
      rejected++;
    }
  });
  return {
    get relayed() {
      return relayed;
    },
    get rejected() {
      return rejected;
    },
    settled: async () => {
      await pending;
    },
    close: async () => {
      await pending.catch(() => undefined);
      await client.endAsync();
    },
  };
}
