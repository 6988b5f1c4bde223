import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes, AuthErrorCode, AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { Registry as MetricsRegistry } from 'prom-client';
import {
  ShambaError,
  eventTopic,
  isShambaError,
  parseTopic,
  type ErrorCode,
  type Field,
  type ParsedTopic,
  type StoredReading,
} from '@shamba/schemas';
import type { DeviceRecord, Registry, TimeSeriesStore } from '@shamba/storage';
import { mayPublish, maySubscribe } from '../acl/topic-acl.js';
import { verifySecret } from '../auth/secrets.js';
import { checkPosition, type DeviceMovedEvent } from '../events/device-moved.js';
import { PacketTooLargeError, limitPacketSize } from '../limits/packet-size-limiter.js';
import { DEFAULT_RATE_LIMIT, createRateLimiter, type RateLimit } from '../limits/rate-limiter.js';
import { createIngestMetrics } from '../metrics/ingest-metrics.js';
import { decodeMessage } from '../pipeline/decode-message.js';
import { createGroupCommitter } from '../pipeline/group-commit.js';
import { tuneMqttPacket } from './mqtt-packet-settings.js';

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
  rate: RateLimit;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxPacketBytes: 16 * 1024,
  connectTimeoutMs: 10_000,
  maxTopicLevels: 8,
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
}

export interface IngestStats {
  connectedDevices: number;
  readingsCommitted: number;
  messagesRejected: Partial<Record<ErrorCode | 'RATE_LIMITED' | 'PACKET_TOO_LARGE', number>>;
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
// MQTT 3.1.1 CONNACK return codes (§3.2.2.3).
const IDENTIFIER_REJECTED = 2 as AuthErrorCode;
const SERVER_UNAVAILABLE = 3 as AuthErrorCode;
const BAD_USERNAME_OR_PASSWORD = 4 as AuthErrorCode;

export async function createIngestBroker(options: IngestBrokerOptions): Promise<IngestBroker> {
  const { registry, store, logger } = options;
  const clock = options.clock ?? Date.now;
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const maxFutureMs = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
  const metrics = createIngestMetrics(options.metrics ?? new MetricsRegistry());
  const committer = createGroupCommitter(store);
  const rate = createRateLimiter(limits.rate, clock);
  const devices = new WeakMap<Client, DeviceRecord>();
  // Secrets verified once are not scrypt-hashed again on every reconnect (keyed by stored hash,
  // so re-provisioning a device invalidates it).
  const verified = new Map<string, string>();
  // Devices known to be away from their field, so `device.moved` is raised once per departure.
  const away = new Set<string>();
  const stats: IngestStats = { connectedDevices: 0, readingsCommitted: 0, messagesRejected: {} };
  const count = (reason: keyof IngestStats['messagesRejected']) => {
    stats.messagesRejected[reason] = (stats.messagesRejected[reason] ?? 0) + 1;
    metrics.rejected.inc({ reason });
  };

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
    count(error.code);
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

  async function checkMoved(
    source: DeviceRecord,
    readings: { stream: string; values: Record<string, number> }[],
  ) {
    const fix = readings.filter((r) => r.stream === 'gnss').at(-1);
    if (fix === undefined || source.fieldId === null) return;
    const field: Field | undefined = await registry.fields.get(source.fieldId);
    if (field === undefined) return;
    const moved: DeviceMovedEvent | undefined = checkPosition(
      fix as Parameters<typeof checkPosition>[0],
      field,
    );
    if (moved === undefined) {
      away.delete(source.id);
      return;
    }
    if (away.has(source.id)) return;
    away.add(source.id);
    logger.warn(moved, 'device moved away from its field');
    aedes.publish(
      {
        cmd: 'publish',
        topic: eventTopic(source.coopId, 'device.moved'),
        payload: Buffer.from(JSON.stringify(moved)),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => undefined,
    );
  }

  /** The store or the registry failed: logged, and the publish is not acknowledged. */
  function failed(cause: unknown, topic: string, done: (error: Error | null) => void) {
    logger.error({ err: cause, topic }, 'commit failed; publish not acknowledged');
    done(new ShambaError('STORE_UNAVAILABLE', 'commit failed', { cause }));
  }

  /**
   * Dead-letters a refused message, then answers Aedes with `reply`: the refusal (no PUBACK, the
   * device is disconnected) or null (acknowledged, so the device stops resending a bad message).
   * A dead letter that cannot be stored is a failed commit.
   */
  function refuse(
    client: Client | null,
    topic: string,
    payload: Buffer,
    error: ShambaError,
    reply: Error | null,
    done: (error: Error | null) => void,
  ) {
    deadLetter(client, topic, payload, error).then(
      () => done(reply),
      (cause: unknown) => failed(cause, topic, done),
    );
  }

  /**
   * Runs before Aedes sends the PUBACK (it sends it before storing: see the Aedes docs), so the
   * reading is committed here: a PUBACK is only ever sent for a durable reading or a durable
   * dead letter. If the store fails, the error disconnects the device without a PUBACK and it
   * resends after reconnecting. A device's own soil or weather reading takes no promise on the
   * way: it goes straight to the group commit, whose callback answers Aedes.
   */
  function authorizePublish(
    client: Client | null,
    topic: string,
    payload: Buffer,
    done: (error: Error | null) => void,
  ): void {
    const started = performance.now();
    const device = client === null ? undefined : devices.get(client);
    const parsed = parseTopic(topic);
    if (device === undefined || parsed?.kind !== 'up' || !mayPublish(device, parsed)) {
      const error = new ShambaError(
        'NOT_AUTHORIZED',
        `publish to ${topic} is not allowed for this device`,
      );
      return refuse(client, topic, payload, error, error, done);
    }
    if (!rate.take(device.id)) {
      count('RATE_LIMITED');
      metrics.disconnected.inc({ limit: 'rate' });
      return done(
        new Error(
          `device ${device.id} exceeded ${limits.rate.burst} messages at once / ${limits.rate.perSecond} per second`,
        ),
      );
    }
    if (parsed.deviceId === device.id)
      return ingest(client, device, parsed, topic, payload, started, done);
    // A gateway's relayed message is decoded and enriched as the device it speaks for.
    registry.devices.get(parsed.deviceId).then(
      (source) => {
        if (source !== undefined && source.coopId === device.coopId)
          return ingest(client, source, parsed, topic, payload, started, done);
        const error = new ShambaError(
          'UNKNOWN_DEVICE',
          `no device ${parsed.deviceId} in ${device.coopId}`,
        );
        refuse(client, topic, payload, error, error, done);
      },
      (cause: unknown) => failed(cause, topic, done),
    );
  }

  /** Decode, validate, enrich, commit; a bad message is dead-lettered and acknowledged. */
  function ingest(
    client: Client | null,
    source: DeviceRecord,
    parsed: ParsedTopic & { kind: 'up' },
    topic: string,
    payload: Buffer,
    started: number,
    done: (error: Error | null) => void,
  ): void {
    let readings: StoredReading[];
    try {
      readings = decodeMessage(source, parsed.stream, payload, { nowMs: clock(), maxFutureMs });
    } catch (error) {
      if (!isShambaError(error)) return failed(error, topic, done);
      return refuse(client, topic, payload, error, null, done);
    }
    committer.commit(readings, (error) => {
      if (error !== undefined) {
        metrics.storeErrors.inc({ store: store.kind });
        return failed(error, topic, done);
      }
      stats.readingsCommitted += readings.length;
      metrics.accepted.inc(readings.length);
      metrics.commitSeconds.observe((performance.now() - started) / 1000);
      // Only a GNSS fix can say where a device is.
      if (parsed.stream !== 'gnss') return done(null);
      checkMoved(source, readings).then(
        () => done(null),
        (cause: unknown) => {
          logger.error({ err: cause }, 'position check failed');
          done(null);
        },
      );
    });
  }

  // Imported here, after mqtt-packet's settings (see tuneMqttPacket).
  tuneMqttPacket();
  const { Aedes } = await import('aedes');
  const aedes = new Aedes({
    connectTimeout: limits.connectTimeoutMs,
    maxTopicLevels: limits.maxTopicLevels,
    authenticate: (client, username, password, done) => {
      authenticate(client, username, password).then(
        (error) => done(error, error === null),
        (cause: unknown) => {
          logger.error({ err: cause }, 'authentication failed');
          done(authFailure('registry unavailable', SERVER_UNAVAILABLE), false);
        },
      );
    },
    authorizePublish: (client, packet, done) =>
      authorizePublish(client, packet.topic, packet.payload as Buffer, done),
    authorizeSubscribe: (client, subscription, done) => {
      const device = devices.get(client);
      if (device !== undefined && maySubscribe(device, subscription.topic))
        return done(null, subscription);
      // [MQTT-3.9.3] 3.1.1 lets the broker refuse one filter with return code 0x80 in SUBACK.
      count('NOT_AUTHORIZED');
      logger.warn({ deviceId: device?.id, topic: subscription.topic }, 'subscription refused');
      done(null, null);
    },
  });
  consumeUplinks(aedes);
  await aedes.listen();
  aedes.on('clientReady', () => {
    stats.connectedDevices++;
    metrics.connected.inc();
  });
  aedes.on('clientDisconnect', () => {
    stats.connectedDevices--;
    metrics.connected.dec();
  });
  aedes.on('clientError', (client, error) =>
    logger.info({ clientId: client.id, err: error }, 'client error'),
  );
  aedes.on('connectionError', (client, error) =>
    logger.debug({ clientId: client.id, err: error }, 'connection error'),
  );

  const handle = (socket: Socket) => {
    socket.on('error', () => undefined); // a reset from the field is routine
    // PUBACKs are tiny: without this, Nagle's algorithm holds each one back for the peer's
    // delayed ACK (tens of milliseconds) whenever a device keeps several publishes in flight.
    socket.setNoDelay(true);
    aedes.handle(
      limitPacketSize(socket, limits.maxPacketBytes, (error) => {
        if (error instanceof PacketTooLargeError) count('PACKET_TOO_LARGE');
        metrics.disconnected.inc({ limit: 'packet-size' });
        logger.warn(
          { remote: socket.remoteAddress, err: error },
          'connection cut: packet too large',
        );
      }),
    );
  };
  const host = options.host ?? '127.0.0.1';
  const servers: (Server | HttpServer)[] = [];
  const server = createServer(handle);
  await listen(server, options.port ?? 1883, host);
  servers.push(server);
  const port = (server.address() as AddressInfo).port;

  let wsPort: number | undefined;
  if (options.wsPort !== undefined) {
    const http = createHttpServer();
    // Loaded only when configured: most boxes speak plain TCP, and ws costs memory to load.
    const { WebSocketServer, createWebSocketStream } = await import('ws');
    const wss = new WebSocketServer({
      server: http,
      path: '/mqtt',
      maxPayload: limits.maxPacketBytes,
    });
    wss.on('connection', (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => undefined);
      aedes.handle(stream);
    });
    await listen(http, options.wsPort, host);
    servers.push(http);
    wsPort = (http.address() as AddressInfo).port;
  }
  let tlsPort: number | undefined;
  if (options.tls !== undefined) {
    const tls = createTlsServer({ cert: options.tls.cert, key: options.tls.key }, (socket) =>
      handle(socket),
    );
    await listen(tls, options.tls.port, host);
    servers.push(tls);
    tlsPort = (tls.address() as AddressInfo).port;
  }
  logger.info({ port, wsPort, tlsPort }, 'MQTT broker listening');

  const close = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const s of servers) {
      if ('closeAllConnections' in s) s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  };
  return {
    port,
    wsPort,
    tlsPort,
    aedes,
    stats: () => structuredClone(stats),
    close,
    [Symbol.asyncDispose]: close,
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

function listen(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
