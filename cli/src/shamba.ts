import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';
import {
  createForecastService,
  createPrescriptionService,
  createSceneRasterService,
  createSceneService,
  createWorkerPool,
  type PrescriptionService,
  type SceneService,
  type WorkerPool,
} from '@shamba/analytics';
import type { RemoteAccess } from '@shamba/raster';
import {
  createApiServer,
  createApp,
  loadDashboardAssets,
  type ApiServer,
  type HealthCheck,
} from '@shamba/api';
import {
  composeBeidouNotice,
  createBeidouGateway,
  createDeliveryService,
  openSmsGateway,
  openTcpSerial,
  type DeliveryOptions,
  type DeliveryService,
} from '@shamba/delivery';
import type { IngestBroker, IngestLimits } from '@shamba/ingest';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { ShambaError } from '@shamba/schemas';
import { openIngestNode, type StoreOptions } from './ingest-node.js';
import { createYieldModels } from './yield-models.js';

export type { StoreOptions } from './ingest-node.js';

export interface ShambaOptions {
  dataDir: string;
  logger: Logger;
  /** Time-series store; SQLite under the data directory by default. */
  store?: StoreOptions;
  mqtt?: { host?: string; port?: number; limits?: Partial<IngestLimits> };
  api?: { host?: string; port?: number };
  /** Worker threads for analytics; 0 computes in the main thread. */
  workers?: number;
  analyticsIntervalMs?: number;
  /** The largest scene upload accepted (POST /v1/scenes/upload), bytes (2 GiB). */
  maxSceneUploadBytes?: number;
  /** Watched for satellite scenes (a directory per scene with a STAC item); `<dataDir>/scenes` by default. */
  scenesDir?: string;
  /**
   * Which addresses remote scenes (item URLs, band URLs) may be fetched from: public ones only
   * by default; `shamba start` sets `hosts` from SHAMBA_SCENE_HOSTS (`--scene-hosts`).
   */
  remoteAccess?: RemoteAccess;
  clock?: () => number;
  /** Messages to farmers: the gateway (none: the outbox only) and the limits. */
  sms?: SmsOptions;
  /** The dashboard's built assets (default: `assets` beside the built CLI, else bundled at start). */
  dashboardAssetsDir?: string;
}

export interface SmsOptions {
  /** `smpp://…`, `smpps://…` or an HTTP provider's `https://USER:KEY@host`. */
  gatewayUrl?: string;
  sender?: string;
  /** Segments a cooperative may spend in a month. */
  segmentsPerMonth?: number;
  perFarmerPerDay?: number;
  /** The secret in the HTTP provider's callback URLs. */
  callbackToken?: string;
  /** The cooperative's BeiDou terminal behind a serial device server: `tcp://HOST:PORT`. */
  beidouTerminalUrl?: string;
}

export interface Shamba extends AsyncDisposable {
  readonly registry: Registry;
  readonly store: TimeSeriesStore;
  readonly broker: IngestBroker;
  readonly pool: WorkerPool;
  readonly prescriptions: PrescriptionService;
  readonly scenes: SceneService;
  readonly delivery: DeliveryService;
  readonly api: ApiServer;
  readonly mqttUrl: string;
  close(): Promise<void>;
}

/**
 * Everything in one process on the embedded defaults: SQLite stores under the data directory,
 * the Aedes broker with the ingest pipeline, the analytics worker pool and service, and the API.
 */
export async function createShamba(options: ShambaOptions): Promise<Shamba> {
  const { logger } = options;
  const opened: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const part of opened.reverse()) await part.close();
  };
  try {
    const metrics = new MetricsRegistry();
    collectDefaultMetrics({ register: metrics });
    const ingest = await openIngestNode({
      dataDir: options.dataDir,
      logger,
      metrics,
      ...(options.store === undefined ? {} : { store: options.store }),
      ...(options.mqtt === undefined ? {} : { mqtt: options.mqtt }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    opened.push(ingest);
    const { registry, store, broker } = ingest;
    const pool = await createWorkerPool(
      options.workers === undefined ? {} : { size: options.workers },
    );
    opened.push(pool);
    const prescriptions = createPrescriptionService({
      registry,
      store,
      pool,
      logger: logger.child({ component: 'analytics' }),
      ...(options.analyticsIntervalMs === undefined
        ? {}
        : { intervalMs: options.analyticsIntervalMs }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    opened.push(prescriptions);
    prescriptions.start();
    const scenes = createSceneService({
      registry,
      logger: logger.child({ component: 'scenes' }),
      scenesDir: options.scenesDir ?? join(options.dataDir, 'scenes'),
      ...(options.analyticsIntervalMs === undefined
        ? {}
        : { intervalMs: options.analyticsIntervalMs }),
      // The box's clock: acquisition times past it (beyond a tolerance) are refused.
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      pool,
      ...(options.remoteAccess === undefined ? {} : { remoteAccess: options.remoteAccess }),
      // scene.registered: the fields it covers get new prescriptions (N rate, canopy Kc) now.
      onRegistered: (scene) => {
        logger.info(scene, 'scene.registered');
        prescriptions
          .runOnce()
          .catch((error: unknown) => logger.error({ err: error }, 'prescription pass failed'));
      },
    });
    opened.push(scenes);
    scenes.start();
    const delivery = await openDelivery(options, { registry, store, prescriptions });
    opened.push(delivery.service);
    delivery.service.start();

    // The backend the analytics workers' models run on, asked of a worker once.
    let tfBackend: Promise<string> | undefined;
    const health: HealthCheck = async () => {
      tfBackend ??= pool.run('models.backend', null).catch((error: unknown) => {
        tfBackend = undefined;
        return `unavailable: ${error instanceof Error ? error.message : String(error)}`;
      });
      const storeUp = await store.ping().then(
        () => true,
        () => false,
      );
      const workers = pool.status();
      const analytics = prescriptions.status();
      // A store can answer pings while refusing writes (a full disk did, through 84 failed
      // commits): it is down while its newest commit failed within the last minute.
      const { commits, ...ingestStats } = broker.stats();
      return {
        broker: { status: broker.aedes.closed ? 'down' : 'up', detail: { ...ingestStats } },
        store: {
          status: storeUp && !commits.failing ? 'up' : 'down',
          detail: { kind: store.kind, ...commits },
        },
        worker: {
          status: workers.alive === workers.size ? 'up' : 'down',
          detail: { ...workers, ...analytics, tfBackend: await tfBackend },
        },
      };
    };
    // Built beside the CLI by `pnpm build`; bundled now when run from the sources.
    const dashboardAssets = await loadDashboardAssets(
      options.dashboardAssetsDir ?? join(dirname(fileURLToPath(import.meta.url)), 'assets'),
    );
    const api = await createApiServer({
      app: createApp({
        dashboard: { assets: dashboardAssets },
        registry,
        store,
        health,
        // Images and zones are drawn in the worker pool, under the scenes' remote-access policy.
        rasters: createSceneRasterService({ pool, remoteAccess: options.remoteAccess }),
        // The registry ingest counts in: one /metrics for the process, HTTP metrics added.
        metrics,
        logger: logger.child({ component: 'api' }),
        models: createYieldModels({ registry, pool, dataDir: options.dataDir }),
        prescriptions,
        // A device disabled or given a new secret through the API is disconnected at once.
        devices: { disconnect: (deviceId) => broker.disconnect(deviceId) },
        delivery: {
          gatewayName: delivery.service.gatewayName,
          limits: delivery.service.limits,
          ...(delivery.callbacks === undefined ? {} : { callbacks: delivery.callbacks }),
        },
        scenes: {
          register: (itemPath, owner) => scenes.register(itemPath, owner),
          // Under the watch folder, in a dot-folder the scan passes over (registered directly).
          uploadDirFor: (ownerCoopId) => scenes.uploadDirFor(ownerCoopId),
          maxUploadBytes: options.maxSceneUploadBytes ?? 2 * 2 ** 30,
        },
        forecasts: createForecastService({
          registry,
          store,
          pool,
          modelsDir: join(options.dataDir, 'models'),
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }),
      }),
      ...(options.api?.host === undefined ? {} : { host: options.api.host }),
      ...(options.api?.port === undefined ? {} : { port: options.api.port }),
    });
    opened.push(api);
    return {
      registry,
      store,
      broker,
      pool,
      prescriptions,
      scenes,
      delivery: delivery.service,
      api,
      mqttUrl: ingest.mqttUrl,
      close: closeAll,
      [Symbol.asyncDispose]: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The farmer's channel: the configured gateway (or the outbox alone) and the delivery service. */
async function openDelivery(
  options: ShambaOptions,
  parts: { registry: Registry; store: TimeSeriesStore; prescriptions: PrescriptionService },
) {
  const { sms = {}, logger } = options;
  if (/^https?:/i.test(sms.gatewayUrl ?? '') && sms.callbackToken === undefined) {
    // Without the callbacks no receipt and no reply arrives: a farmer's STOP would be lost.
    throw new ShambaError(
      'INVALID_CONFIG',
      'an HTTP SMS provider needs SHAMBA_SMS_CALLBACK_TOKEN (its delivery reports and replies come to /v1/sms/callbacks/TOKEN/...)',
    );
  }
  const opened =
    sms.gatewayUrl === undefined
      ? undefined
      : await openSmsGateway({
          url: sms.gatewayUrl,
          logger,
          ...(sms.sender === undefined ? {} : { sender: sms.sender }),
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        });
  const service = await createDeliveryService({
    registry: parts.registry,
    store: parts.store,
    logger: logger.child({ component: 'delivery' }),
    ...(opened === undefined ? {} : { sms: opened.gateway }),
    ...beidouOptions(sms, { registry: parts.registry, logger }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    limits: {
      ...(sms.segmentsPerMonth === undefined ? {} : { segmentsPerMonth: sms.segmentsPerMonth }),
      ...(sms.perFarmerPerDay === undefined ? {} : { perFarmerPerDay: sms.perFarmerPerDay }),
    },
    recompute: (fieldId, reason) => parts.prescriptions.recompute(fieldId, reason),
  });
  const callbacks =
    opened?.callbacks === undefined || sms.callbackToken === undefined
      ? undefined
      : { token: sms.callbackToken, accept: opened.callbacks };
  return { service, callbacks };
}

/**
 * Farmers on channel `beidou` reached through the cooperative's BeiDou terminal, when one is
 * configured: its serial line over TCP (connected on the first message, again after a drop), the
 * advice composed for one short message. The serial line closes with the delivery service.
 */
function beidouOptions(
  sms: SmsOptions,
  parts: { registry: Registry; logger: Logger },
): Pick<DeliveryOptions, 'beidou' | 'composeBeidou'> {
  if (sms.beidouTerminalUrl === undefined) return {};
  const logger = parts.logger.child({ component: 'beidou' });
  const serial = openTcpSerial(sms.beidouTerminalUrl, { logger });
  const gateway = createBeidouGateway({ serial, logger });
  return {
    beidou: {
      ...gateway,
      async close() {
        await gateway.close();
        await serial.close();
      },
    },
    composeBeidou: composeBeidouNotice(parts.registry),
  };
}
