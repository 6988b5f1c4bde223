import type { Aedes, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { withDefaultHooks } from '../hooks/default-hooks.js';
import type { IngestHooks } from '../hooks/ingest-hooks.js';
import { DEFAULT_LIMITS, type IngestLimits } from '../limits/ingest-limits.js';
import { consumeUplinks } from '../patches/consume-uplinks.js';
import { keepOnlyGrantedSubscriptions } from '../patches/keep-only-granted-subscriptions.js';
import { tuneMqttPacket } from '../patches/mqtt-packet-settings.js';
import type { DeadLetterWriter } from '../pipeline/dead-letter-writer.js';
import { createGroupCommitter } from '../pipeline/group-commit.js';
import { createPublishHandler } from '../pipeline/publish-handler.js';
import { startTransports, type Transports } from '../transports/start-transports.js';
import type { TlsOptions } from '../transports/tls.js';
import { authenticateHandler, authorizeSubscribeHandler } from './aedes-handlers.js';
import { createBrokerContext, type BrokerContext } from './broker-context.js';
import { watchClients } from './client-events.js';
import type { IngestStats } from './ingest-stats.js';
import { reportOversizePackets } from './oversize-packets.js';

export interface IngestBrokerOptions {
  registry: Registry;
  store: TimeSeriesStore;
  logger: Logger;
  /**
   * Who may connect, publish where, subscribe to what. Each one left unset is the
   * registry-backed default, which denies what it does not know to be the device's own.
   */
  hooks?: Partial<IngestHooks>;
  /** Interface to bind. Field devices need a reachable address; the safe default is loopback. */
  host?: string;
  /** MQTT over TCP; 0 picks a free port. */
  port?: number;
  /** MQTT over WebSocket (path /mqtt), when set; 0 picks a free port. */
  wsPort?: number;
  /** MQTT over TLS, when a certificate and key (PEM) are given. */
  tls?: TlsOptions;
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

export interface IngestBroker extends AsyncDisposable {
  readonly port: number;
  readonly wsPort: number | undefined;
  readonly tlsPort: number | undefined;
  readonly aedes: Aedes;
  stats(): IngestStats;
  /**
   * Ends the device's session on this node at once (a device disabled or its secret rotated);
   * false when it is not connected here. Its next CONNECT is authenticated afresh.
   */
  disconnect(deviceId: string): Promise<boolean>;
  close(): Promise<void>;
}

const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;

/**
 * The ingest's MQTT broker: Aedes with our hooks (hooks/), the publish pipeline as its
 * `authorizePublish` (pipeline/), the patches of its internals (patches/) and the transports in
 * front of it (transports/).
 */
export async function createIngestBroker(options: IngestBrokerOptions): Promise<IngestBroker> {
  const { registry, logger } = options;
  const clock = options.clock ?? Date.now;
  const limits: IngestLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const ctx = createBrokerContext({ ...options, clock, limits });
  const hooks = withDefaultHooks(options.hooks, { registry, logger, clock });
  const aedes = await loadAedes(limits);
  // Aedes' handlers, set as its docs show (`aedes.authenticate = ...`), before it listens.
  aedes.authenticate = authenticateHandler(ctx, hooks.authenticate);
  aedes.authorizeSubscribe = authorizeSubscribeHandler(ctx, hooks.authorizeSubscribe);
  aedes.authorizePublish = publishPipeline(aedes, ctx, { ...options, clock, hooks });
  await listen(aedes, ctx);
  const transports = await openTransports(aedes, ctx, options).catch(async (error: unknown) => {
    // A port in use (EADDRINUSE): Aedes' timers must not keep a process that cannot serve alive.
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw error;
  });
  const { port, wsPort, tlsPort } = transports;
  logger.info({ port, wsPort, tlsPort }, 'MQTT broker listening');
  return brokerHandle(aedes, ctx, transports);
}

/** Aedes, imported after mqtt-packet's settings (see tuneMqttPacket). */
async function loadAedes(limits: IngestLimits): Promise<Aedes> {
  tuneMqttPacket();
  const { Aedes } = await import('aedes');
  return new Aedes({
    connectTimeout: limits.connectTimeoutMs,
    maxTopicLevels: limits.maxTopicLevels,
  });
}

/** The publish pipeline as Aedes' `authorizePublish`: the PUBACK waits for the commit. */
function publishPipeline(
  aedes: Aedes,
  ctx: BrokerContext,
  options: IngestBrokerOptions & { clock: () => number; hooks: IngestHooks },
): Aedes['authorizePublish'] {
  const { registry, store, logger, clock } = options;
  return createPublishHandler({
    registry,
    store,
    logger,
    clock,
    deviceOf: ctx.connections.deviceOf,
    authorize: options.hooks.authorizePublish,
    maxFutureMs: options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS,
    overRate: ctx.overRate,
    refund: ctx.refund,
    committer: createGroupCommitter(store),
    commits: ctx.stats.commits,
    deadLetters: ctx.deadLetters,
    metrics: ctx.metrics,
    count: ctx.stats.rejected,
    storeFailures: ctx.storeFailures,
    onCommitted: ctx.stats.committed,
    publishEvent: (topic, payload) => aedes.publish(eventPacket(topic, payload), () => {}),
  });
}

const eventPacket = (topic: string, payload: Buffer): PublishPacket => ({
  cmd: 'publish',
  topic,
  payload,
  qos: 1,
  retain: false,
  dup: false,
});

/** Starts Aedes (its session store), with the patches that need it running. */
async function listen(aedes: Aedes, ctx: BrokerContext): Promise<void> {
  consumeUplinks(aedes);
  await aedes.listen(); // sets up the session store
  keepOnlyGrantedSubscriptions(aedes, (client, subs) =>
    ctx.subscriptions.persistable(client, subs),
  );
  watchClients(aedes, ctx);
}

/** The sockets in front of Aedes; each connection it accepts is handed to Aedes. */
function openTransports(
  aedes: Aedes,
  ctx: BrokerContext,
  options: IngestBrokerOptions,
): Promise<Transports> {
  return startTransports({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 1883,
    ...(options.wsPort === undefined ? {} : { wsPort: options.wsPort }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    maxPacketBytes: ctx.limits.maxPacketBytes,
    accept: (stream, address) => {
      ctx.connections.accepted(stream, address);
      aedes.handle(stream);
    },
    onTooLarge: reportOversizePackets(ctx),
  });
}

/** What createIngestBroker returns: the ports, Aedes, the stats, and close. */
function brokerHandle(aedes: Aedes, ctx: BrokerContext, transports: Transports): IngestBroker {
  const close = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await transports.close();
  };
  return {
    port: transports.port,
    wsPort: transports.wsPort,
    tlsPort: transports.tlsPort,
    aedes,
    stats: ctx.stats.snapshot,
    disconnect: (deviceId) => disconnectClient(aedes, deviceId),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Closes the client with this id, which is its device id (the authenticate hook binds the two).
 * Aedes keeps its connected clients by id in `clients` (aedes.js; not in its typings).
 */
function disconnectClient(aedes: Aedes, deviceId: string): Promise<boolean> {
  const { clients } = aedes as unknown as { clients: Record<string, Client | undefined> };
  const client = clients[deviceId];
  if (client === undefined) return Promise.resolve(false);
  return new Promise((resolve) => client.close(() => resolve(true)));
}
