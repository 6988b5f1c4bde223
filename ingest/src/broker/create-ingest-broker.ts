import type { Socket } from 'node:net';
import type { Aedes, AuthErrorCode, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { Registry as MetricsRegistry } from 'prom-client';
import type { ErrorCode } from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';
import { maySubscribe } from '../acl/topic-acl.js';
import { CONNACK, createDeviceAuthenticator } from '../auth/authenticate-device.js';
import { PacketTooLargeError, describePacketHead } from '../limits/packet-size-limiter.js';
import { DEFAULT_RATE_LIMIT, createRateLimiter, type RateLimit } from '../limits/rate-limiter.js';
import {
  MAX_SUBSCRIPTIONS,
  createSubscriptionGuard,
  type SubscriptionGuard,
} from '../limits/subscription-guard.js';
import { createIngestMetrics } from '../metrics/ingest-metrics.js';
import { createDeadLetterWriter, type DeadLetterWriter } from '../pipeline/dead-letter-writer.js';
import { createGroupCommitter } from '../pipeline/group-commit.js';
import { createCommitTracker, type CommitHealth } from './commit-health.js';
import { startListeners } from './listeners.js';
import { tuneMqttPacket } from './mqtt-packet-settings.js';
import { createPublishHandler } from './publish-handler.js';
import { createRefusalLog, errorText } from './refusal-log.js';

export interface IngestLimits {
  /**
   * Largest MQTT packet accepted, bytes. A 16-reading SenML replay pack is about 2 KB and an
   * NMEA epoch a few hundred bytes; 16 KiB leaves room and bounds what one socket can make us hold.
   */
  maxPacketBytes: number;
  /** A connection that has not sent CONNECT by then is closed. GPRS handshakes take seconds. */
  connectTimeoutMs: number;
  /** Our topics have 6 levels; nothing legitimate is deeper. */
  maxTopicLevels: number;
  /** Topic filters one connection may hold (see MAX_SUBSCRIPTIONS for why 16). */
  maxSubscriptions: number;
  /** Per device; PUBLISH and each SUBSCRIBE filter take a token. */
  rate: RateLimit;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxPacketBytes: 16 * 1024,
  connectTimeoutMs: 10_000,
  maxTopicLevels: 8,
  maxSubscriptions: MAX_SUBSCRIPTIONS,
  rate: DEFAULT_RATE_LIMIT,
};

export interface IngestBrokerOptions {
  registry: Registry;
  store: TimeSeriesStore;
  logger: Logger;
  /** Interface to bind. Field devices need a reachable address; the safe default is loopback. */
  host?: string;
  /** MQTT over TCP; 0 picks a free port. */
  port?: number;
  /** MQTT over WebSocket (path /mqtt), when set; 0 picks a free port. */
  wsPort?: number;
  /** MQTT over TLS, when a certificate and key (PEM) are given. */
  tls?: { port: number; cert: string | Buffer; key: string | Buffer };
  limits?: Partial<IngestLimits>;
  /** Prometheus registry the metrics go to (a private one if not given). */
  metrics?: MetricsRegistry;
  clock?: () => number;
  /**
   * How far a device clock may run ahead of ours. Five minutes covers an unsynchronised RTC for
   * a day or two; a GNSS-disciplined clock is within a second.
   */
  maxFutureMs?: number;
  /** Where dead letters go (shared with the store's own refusals); one over `registry` if not. */
  deadLetters?: DeadLetterWriter;
}

type RejectReason = ErrorCode | 'RATE_LIMITED' | 'TOO_MANY_SUBSCRIPTIONS';

export interface IngestStats {
  connectedDevices: number;
  readingsCommitted: number;
  messagesRejected: Partial<Record<RejectReason, number>>;
  /** CONNECTs refused (wrong secret, unknown device, backoff, busy). */
  connectsRefused: number;
  /** Recent commits: `failing` while the newest failed within the last minute. */
  commits: CommitHealth;
}

export interface IngestBroker extends AsyncDisposable {
  readonly port: number;
  readonly wsPort: number | undefined;
  readonly tlsPort: number | undefined;
  readonly aedes: Aedes;
  stats(): IngestStats;
  close(): Promise<void>;
}

const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;

export async function createIngestBroker(options: IngestBrokerOptions): Promise<IngestBroker> {
  const { registry, store, logger } = options;
  const clock = options.clock ?? Date.now;
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = createIngestMetrics(options.metrics ?? new MetricsRegistry());
  const rate = createRateLimiter(limits.rate, clock);
  const devices = new WeakMap<Client, DeviceRecord>();
  // The connection (what Aedes calls client.conn) of each authenticated client, and its address.
  const clients = new WeakMap<object, Client>();
  const addresses = new WeakMap<object, string>();
  const refusals = createRefusalLog(logger, { clock });
  const storeFailures = createRefusalLog(logger, { clock, level: 'error' });
  const deadLetters =
    options.deadLetters ?? createDeadLetterWriter({ registry, logger, clock, refusals });
  const commits = createCommitTracker(clock);
  const subscriptions = createSubscriptionGuard(limits.maxSubscriptions);
  const authenticate = createDeviceAuthenticator({ registry, logger, clock });
  const stats = {
    connectedDevices: 0,
    readingsCommitted: 0,
    messagesRejected: {} as IngestStats['messagesRejected'],
    connectsRefused: 0,
  };
  const count = (reason: RejectReason) => {
    stats.messagesRejected[reason] = (stats.messagesRejected[reason] ?? 0) + 1;
    metrics.rejected.inc({ reason });
  };

  const authorizePublish = createPublishHandler({
    registry,
    store,
    devices,
    clock,
    maxFutureMs: options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS,
    rateLimit: limits.rate,
    rate,
    committer: createGroupCommitter(store),
    commits,
    deadLetters,
    metrics,
    count,
    refusals,
    storeFailures,
    logger,
    onCommitted: (readings) => (stats.readingsCommitted += readings),
    publishEvent: (topic, payload) =>
      aedes.publish(
        { cmd: 'publish', topic, payload, qos: 1, retain: false, dup: false },
        () => {},
      ),
  });

  const authFailure = (message: string, returnCode: AuthErrorCode): AuthenticateError =>
    Object.assign(new Error(message), { returnCode });

  /** A SUBSCRIBE filter refused (SUBACK 0x80, [MQTT-3.9.3]); repeated abuse cuts the client. */
  function refuseFilter(
    client: Client,
    device: DeviceRecord,
    topic: string,
    reason: RejectReason,
    done: (error: Error | null, subscription?: null) => void,
  ) {
    count(reason);
    refusals.note(
      device.id,
      reason,
      { deviceId: device.id, topic: topic.slice(0, 200) },
      'subscription refused',
    );
    if (!subscriptions.refuse(client)) return done(null, null);
    metrics.disconnected.inc({ limit: 'subscriptions' });
    done(new Error(`device ${device.id}: too many refused subscriptions`));
  }

  // Imported here, after mqtt-packet's settings (see tuneMqttPacket).
  tuneMqttPacket();
  const { Aedes } = await import('aedes');
  const aedes = new Aedes({
    connectTimeout: limits.connectTimeoutMs,
    maxTopicLevels: limits.maxTopicLevels,
    authenticate: (client, username, password, done) => {
      const address = addresses.get(client.conn) ?? 'unknown';
      authenticate({ clientId: client.id, username, password, address }).then(
        (result) => {
          if (result.ok) {
            devices.set(client, result.device);
            clients.set(client.conn, client);
            return done(null, true);
          }
          stats.connectsRefused++;
          metrics.connectsRefused.inc({ code: result.returnCode });
          const fields = { clientId: client.id.slice(0, 100), address, code: result.returnCode };
          refusals.note(address, result.reason, fields, 'CONNECT refused');
          done(authFailure(result.reason, result.returnCode), false);
        },
        (cause: unknown) => {
          storeFailures.note(
            'registry',
            'authentication failed',
            { err: errorText(cause) },
            'authentication failed',
          );
          done(authFailure('registry unavailable', CONNACK.SERVER_UNAVAILABLE), false);
        },
      );
    },
    authorizePublish: (client, packet, done) =>
      authorizePublish(client, packet.topic, packet.payload as Buffer, done),
    authorizeSubscribe: (client, subscription, done) => {
      const device = devices.get(client);
      if (device === undefined) return done(null, null);
      // Aedes still asks about the rest of a SUBSCRIBE after one filter cut the client.
      if (subscriptions.cut(client)) return done(new Error('client cut'), null);
      // A session restored at CONNECT (client.connecting, [MQTT-3.1.2.4]) is re-authorised here
      // too: it is at most the cap, and costs no tokens, or a flapping link would drain them.
      if (client.connected && !rate.take(device.id)) {
        count('RATE_LIMITED');
        metrics.disconnected.inc({ limit: 'rate' });
        refusals.note(device.id, 'RATE_LIMITED', { deviceId: device.id }, 'device cut');
        return done(new Error(`device ${device.id} over its rate (SUBSCRIBE)`), null);
      }
      if (!maySubscribe(device, subscription.topic))
        return refuseFilter(client, device, subscription.topic, 'NOT_AUTHORIZED', done);
      if (!subscriptions.admit(client, subscription.topic))
        return refuseFilter(client, device, subscription.topic, 'TOO_MANY_SUBSCRIPTIONS', done);
      done(null, subscription);
    },
  });
  consumeUplinks(aedes);
  await aedes.listen(); // sets up the session store
  keepOnlyGrantedSubscriptions(aedes, subscriptions);
  aedes.on('clientReady', () => {
    stats.connectedDevices++;
    metrics.connected.inc();
  });
  aedes.on('clientDisconnect', () => {
    stats.connectedDevices--;
    metrics.connected.dec();
  });
  aedes.on('unsubscribe', (topics, client) => subscriptions.removed(client, topics));
  // Once per client and minute, the message only: a flood once logged a stack per packet.
  aedes.on('clientError', (client, error) =>
    refusals.note(
      client.id,
      'client error',
      { clientId: client.id, err: errorText(error) },
      'client error',
    ),
  );
  aedes.on('connectionError', (client, error) =>
    logger.debug(
      { address: addresses.get(client.conn), err: errorText(error) },
      'connection error',
    ),
  );

  /** An oversize packet: after CONNECT, a dead letter against the device that sent it. */
  function tooLarge(socket: Socket, error: Error) {
    metrics.disconnected.inc({ limit: 'packet-size' });
    count('PACKET_TOO_LARGE');
    const client = clients.get(socket);
    const device = client === undefined ? undefined : devices.get(client);
    const address = socket.remoteAddress ?? 'unknown';
    const head = error instanceof PacketTooLargeError ? error.head : new Uint8Array(0);
    const packet = describePacketHead(head);
    const size = packet.declaredBytes === undefined ? 'too many' : `${packet.declaredBytes}`;
    const reason = `${packet.type} of ${size} bytes, over the ${limits.maxPacketBytes}-byte limit`;
    if (device === undefined) {
      refusals.note(address, 'PACKET_TOO_LARGE', { address, detail: reason }, 'connection cut');
      return;
    }
    deadLetters
      .write({
        deviceId: device.id,
        coopId: device.coopId,
        topic: packet.topic ?? `mqtt:${packet.type}`,
        code: 'PACKET_TOO_LARGE',
        reason,
        payload: head,
        // A device holding such a packet resends it after every reconnect: one row, counted.
        foldKey: `PACKET_TOO_LARGE:${device.id}`,
      })
      .catch((cause: unknown) =>
        storeFailures.note(
          'registry',
          'dead letter failed',
          { err: errorText(cause) },
          'dead letter not stored',
        ),
      );
  }

  const listeners = await startListeners({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 1883,
    ...(options.wsPort === undefined ? {} : { wsPort: options.wsPort }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    maxPacketBytes: limits.maxPacketBytes,
    accept: (stream, address) => {
      addresses.set(stream, address);
      aedes.handle(stream);
    },
    onTooLarge: tooLarge,
  });
  const { port, wsPort, tlsPort } = listeners;
  logger.info({ port, wsPort, tlsPort }, 'MQTT broker listening');

  const close = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await listeners.close();
  };
  return {
    port,
    wsPort,
    tlsPort,
    aedes,
    stats: () => structuredClone({ ...stats, commits: commits.snapshot() }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The session store keeps only what `authorizeSubscribe` granted: Aedes hands it a SUBSCRIBE's
 * whole filter list, refused filters included (see createSubscriptionGuard).
 */
function keepOnlyGrantedSubscriptions(aedes: Aedes, guard: SubscriptionGuard): void {
  type Add = (client: object, subs: { topic: string }[]) => Promise<void>;
  const persistence = (aedes as unknown as { persistence: { addSubscriptions: Add } }).persistence;
  const add = persistence.addSubscriptions.bind(persistence);
  persistence.addSubscriptions = (client, subs) => {
    const kept = guard.persistable(client, subs);
    return kept.length === 0 ? Promise.resolve() : add(client, kept);
  };
}

/**
 * A device's publish (and its will) reaches `aedes.publish` only after `authorizePublish`
 * passed it, and that means the ingest has already consumed it: committed it durably, or
 * dead-lettered it. No client may subscribe to uplinks (`maySubscribe`), so Aedes' forwarding
 * pipeline after the PUBACK (a packet copy, the retained store, the subscription tries, the
 * offline-session lookup) would only look for subscribers that cannot exist. It is skipped for
 * them; the broker's own publishes (events, $SYS) go through as before.
 */
function consumeUplinks(aedes: Aedes): void {
  // Aedes calls publish(packet, client, done) internally; its typings show the public
  // publish(packet, done) only.
  type Publish = (packet: PublishPacket, client: unknown, done?: (error?: Error) => void) => void;
  const broker = aedes as unknown as { publish: Publish };
  const forward = broker.publish.bind(aedes);
  broker.publish = (packet, client, done) => {
    if (client !== null && typeof client === 'object') return done?.();
    forward(packet, client, done);
  };
}
