import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type AuthErrorCode, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { ShambaError, isShambaError, parseTopic, type ErrorCode } from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';
import { mayPublish, maySubscribe } from '../acl/topic-acl.js';
import { verifySecret } from '../auth/secrets.js';
import { decodeMessage } from '../pipeline/decode-message.js';

export interface IngestBrokerOptions {
  registry: Registry;
  store: TimeSeriesStore;
  logger: Logger;
  /** Interface to bind. Field devices need a reachable address; the safe default is loopback. */
  host?: string;
  /** MQTT over TCP; 0 picks a free port. */
  port?: number;
  clock?: () => number;
  /**
   * How far a device clock may run ahead of ours. Five minutes covers an unsynchronised RTC for
   * a day or two; a GNSS-disciplined clock is within a second.
   */
  maxFutureMs?: number;
}

export interface IngestStats {
  connectedDevices: number;
  readingsCommitted: number;
  messagesRejected: Partial<Record<ErrorCode, number>>;
}

export interface IngestBroker extends AsyncDisposable {
  readonly port: number;
  readonly aedes: Aedes;
  stats(): IngestStats;
  close(): Promise<void>;
}

const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;
// MQTT 3.1.1 CONNACK return codes (§3.2.2.3).
const IDENTIFIER_REJECTED = 2 as AuthErrorCode;
const SERVER_UNAVAILABLE = 3 as AuthErrorCode;
const BAD_USERNAME_OR_PASSWORD = 4 as AuthErrorCode;

export async function createIngestBroker(options: IngestBrokerOptions): Promise<IngestBroker> {
  const { registry, store, logger } = options;
  const clock = options.clock ?? Date.now;
  const maxFutureMs = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  const devices = new WeakMap<Client, DeviceRecord>();
  // Payloads we dead-lettered: acknowledged (so the device stops resending) but never forwarded.
  const rejectedPayloads = new WeakSet<Buffer>();
  // Secrets verified once are not scrypt-hashed again on every reconnect (keyed by stored hash,
  // so re-provisioning a device invalidates it).
  const verified = new Map<string, string>();
  const stats: IngestStats = { connectedDevices: 0, readingsCommitted: 0, messagesRejected: {} };

  const authFailure = (message: string, returnCode: AuthErrorCode): AuthenticateError =>
    Object.assign(new Error(message), { returnCode });

  async function authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ) {
    const device = username === undefined ? undefined : await registry.devices.get(username);
    const secret = password?.toString('utf8') ?? '';
    if (device === undefined) return authFailure('unknown device', BAD_USERNAME_OR_PASSWORD);
    // The client id is bound to the device identity: one session per device.
    if (client.id !== device.id)
      return authFailure('client id must equal the device id', IDENTIFIER_REJECTED);
    const digest = createHash('sha256').update(secret).digest('hex');
    if (verified.get(device.secretHash) !== digest) {
      if (!(await verifySecret(secret, device.secretHash))) {
        return authFailure('wrong device secret', BAD_USERNAME_OR_PASSWORD);
      }
      verified.set(device.secretHash, digest);
    }
    devices.set(client, device);
    return null;
  }

  async function deadLetter(
    client: Client | null,
    topic: string,
    payload: Buffer,
    error: ShambaError,
  ) {
    const device = client === null ? undefined : devices.get(client);
    stats.messagesRejected[error.code] = (stats.messagesRejected[error.code] ?? 0) + 1;
    logger.warn(
      { deviceId: device?.id, topic, code: error.code, reason: error.message },
      'message dead-lettered',
    );
    await registry.deadLetters.add({
      receivedMs: clock(),
      deviceId: device?.id ?? null,
      coopId: device?.coopId ?? parseTopic(topic)?.coopId ?? null,
      topic,
      code: error.code,
      reason: error.message,
      payload,
    });
  }

  /**
   * Runs before Aedes sends the PUBACK (it sends it before storing: see the Aedes docs), so the
   * reading is committed here: a PUBACK is only ever sent for a durable reading or a durable
   * dead letter. If the store fails, the error disconnects the device without a PUBACK and it
   * resends after reconnecting.
   */
  async function authorizePublish(
    client: Client | null,
    topic: string,
    payload: Buffer,
  ): Promise<Error | null> {
    const device = client === null ? undefined : devices.get(client);
    if (device === undefined || !mayPublish(device, topic)) {
      const error = new ShambaError(
        'NOT_AUTHORIZED',
        `publish to ${topic} is not allowed for this device`,
      );
      await deadLetter(client, topic, payload, error);
      return error;
    }
    // A gateway's relayed message is decoded and enriched as the device it speaks for.
    const targetId = topic.split('/')[3]!; // mayPublish accepted it: shamba/v1/{coop}/{device}/up/{stream}
    const source = targetId === device.id ? device : await registry.devices.get(targetId);
    if (source === undefined || source.coopId !== device.coopId) {
      const error = new ShambaError('UNKNOWN_DEVICE', `no device ${targetId} in ${device.coopId}`);
      await deadLetter(client, topic, payload, error);
      return error;
    }
    let readings;
    try {
      readings = decodeMessage(source, topic, payload, { nowMs: clock(), maxFutureMs });
    } catch (error) {
      if (!isShambaError(error)) throw error;
      await deadLetter(client, topic, payload, error);
      rejectedPayloads.add(payload);
      return null;
    }
    await store.write(readings);
    stats.readingsCommitted += readings.length;
    return null;
  }

  const aedes = new Aedes({
    authenticate: (client, username, password, done) => {
      authenticate(client, username, password).then(
        (error) => done(error, error === null),
        (cause: unknown) => {
          logger.error({ err: cause }, 'authentication failed');
          done(authFailure('registry unavailable', SERVER_UNAVAILABLE), false);
        },
      );
    },
    authorizePublish: (client, packet, done) => {
      authorizePublish(client, packet.topic, packet.payload as Buffer).then(
        (error) => done(error),
        (cause: unknown) => {
          logger.error(
            { err: cause, topic: packet.topic },
            'commit failed; publish not acknowledged',
          );
          done(new ShambaError('STORE_UNAVAILABLE', 'commit failed', { cause }));
        },
      );
    },
    authorizeSubscribe: (client, subscription, done) => {
      const device = devices.get(client);
      if (device !== undefined && maySubscribe(device, subscription.topic))
        return done(null, subscription);
      // [MQTT-3.9.3] 3.1.1 lets the broker refuse one filter with return code 0x80 in SUBACK.
      logger.warn({ deviceId: device?.id, topic: subscription.topic }, 'subscription refused');
      done(null, null);
    },
    authorizeForward: (_client, packet) =>
      rejectedPayloads.has(packet.payload as Buffer) ? null : packet,
  });
  await aedes.listen();
  aedes.on('clientReady', () => stats.connectedDevices++);
  aedes.on('clientDisconnect', () => stats.connectedDevices--);
  aedes.on('clientError', (client, error) =>
    logger.info({ clientId: client.id, err: error }, 'client error'),
  );
  aedes.on('connectionError', (client, error) =>
    logger.debug({ clientId: client.id, err: error }, 'connection error'),
  );

  const server = createServer((socket) => aedes.handle(socket));
  await listen(server, options.port ?? 1883, options.host ?? '127.0.0.1');
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'MQTT broker listening');

  const close = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    port,
    aedes,
    stats: () => structuredClone(stats),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
