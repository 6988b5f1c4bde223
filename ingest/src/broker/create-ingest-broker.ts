import type { Duplex } from 'node:stream';
import type { Aedes, AuthErrorCode, AuthenticateError, Client } from 'aedes';
import type { Logger } from 'pino';
import { Registry as MetricsRegistry } from 'prom-client';
import { truncateText, type ErrorCode } from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';
import { maySubscribe } from '../acl/topic-acl.js';
import { CONNACK, createDeviceAuthenticator } from '../auth/authenticate-device.js';
import { sourceOf } from '../auth/connect-guard.js';
import { PacketTooLargeError, describePacketHead } from '../limits/packet-size-limiter.js';
import { DEFAULT_RATE_LIMIT, createRateLimiter, type RateLimit } from '../limits/rate-limiter.js';
import { MAX_SUBSCRIPTIONS, createSubscriptionGuard } from '../limits/subscription-guard.js';
import { createIngestMetrics } from '../metrics/ingest-metrics.js';
import { createDeadLetterWriter, type DeadLetterWriter } from '../pipeline/dead-letter-writer.js';
import { createGroupCommitter } from '../pipeline/group-commit.js';
import { createCommitTracker, type CommitHealth } from './commit-health.js';
import { consumeUplinks } from '../patches/consume-uplinks.js';
import { keepOnlyGrantedSubscriptions } from '../patches/keep-only-granted-subscriptions.js';
import { tuneMqttPacket } from '../patches/mqtt-packet-settings.js';
import { startListeners } from './listeners.js';
import { createPublishHandler } from './publish-handler.js';
import { MAX_FIELD_CHARS, createRefusalLog, errorText } from './refusal-log.js';

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
  /**
   * Where dead letters go: give the one the time-series store's refusals go to (InfluxDB's
   * onRejected), so every dead letter takes one path; one over `registry` if not given.
   */
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
  const deadLetters = options.deadLetters ?? createDeadLetterWriter({ registry, logger, clock });
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
  /**
   * Takes a token from the device's bucket for a PUBLISH or a SUBSCRIBE filter. Out of tokens,
   * the refusal is counted and logged and the error that cuts the device is returned.
   */
  const overRate = (device: DeviceRecord, packet: 'PUBLISH' | 'SUBSCRIBE'): Error | undefined => {
    if (rate.take(device.id)) return undefined;
    count('RATE_LIMITED');
    metrics.disconnected.inc({ limit: 'rate' });
    refusals.note(device.id, 'RATE_LIMITED', { deviceId: device.id, packet }, 'device cut');
    const { burst, perSecond } = limits.rate;
    return new Error(
      `device ${device.id} over its rate (${packet}): ${burst} at once, ${perSecond} a second`,
    );
  };

  const authorizePublish = createPublishHandler({
    registry,
    store,
    devices,
    clock,
    maxFutureMs: options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS,
    overRate,
    refund: (deviceId) => rate.giveBack(deviceId),
    committer: createGroupCommitter(store),
    commits,
    deadLetters,
    metrics,
    count,
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
      { deviceId: device.id, topic: truncateText(topic, MAX_FIELD_CHARS) },
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
          const clientId = truncateText(client.id, MAX_FIELD_CHARS);
          const fields = { clientId, address, code: result.returnCode };
          refusals.note(sourceOf(address), result.reason, fields, 'CONNECT refused');
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
      const cut = client.connected ? overRate(device, 'SUBSCRIBE') : undefined;
      if (cut !== undefined) return done(cut, null);
      if (!maySubscribe(device, subscription.topic))
        return refuseFilter(client, device, subscription.topic, 'NOT_AUTHORIZED', done);
      if (!subscriptions.admit(client, subscription.topic))
        return refuseFilter(client, device, subscription.topic, 'TOO_MANY_SUBSCRIPTIONS', done);
      done(null, subscription);
    },
  });
  consumeUplinks(aedes);
  await aedes.listen(); // sets up the session store
  keepOnlyGrantedSubscriptions(aedes, (client, subs) => subscriptions.persistable(client, subs));
  aedes.on('clientReady', () => {
    stats.connectedDevices++;
    metrics.connected.inc();
  });
  aedes.on('clientDisconnect', () => {
    stats.connectedDevices--;
    metrics.connected.dec();
  });
  aedes.on('unsubscribe', (topics, client) => subscriptions.removed(client, topics));
  // Once a minute per source, the message only: a flood once logged a stack per packet. A
  // client that never authenticated has the id its CONNECT named (or a random one from Aedes),
  // new with each connection if it likes, so it is known by its address (IPv4, or IPv6 /64).
  aedes.on('clientError', (client, error) => {
    const device = devices.get(client);
    const address = addresses.get(client.conn) ?? 'unknown';
    const source = device === undefined ? sourceOf(address) : device.id;
    const fields = device === undefined ? { address } : { deviceId: device.id, address };
    refusals.note(source, 'client error', { ...fields, err: errorText(error) }, 'client error');
  });
  aedes.on('connectionError', (client, error) =>
    logger.debug(
      { address: addresses.get(client.conn), err: errorText(error) },
      'connection error',
    ),
  );

  /** An oversize packet: after CONNECT, a dead letter against the device that sent it. */
  function tooLarge(stream: Duplex, address: string, error: Error) {
    metrics.disconnected.inc({ limit: 'packet-size' });
    count('PACKET_TOO_LARGE');
    const client = clients.get(stream);
    const device = client === undefined ? undefined : devices.get(client);
    const head = error instanceof PacketTooLargeError ? error.head : new Uint8Array(0);
    // No head: a WebSocket message too large to be read at all (see startListeners).
    const packet = head.length === 0 ? { type: 'packet' } : describePacketHead(head);
    const reason =
      packet.declaredBytes === undefined
        ? `${packet.type} over the ${limits.maxPacketBytes}-byte limit (${errorText(error)})`
        : `${packet.type} of ${packet.declaredBytes} bytes, over the ${limits.maxPacketBytes}-byte limit`;
    if (device === undefined) {
      const fields = { address, detail: reason };
      refusals.note(sourceOf(address), 'PACKET_TOO_LARGE', fields, 'connection cut');
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
