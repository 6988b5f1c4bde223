import { join } from 'node:path';
import type { Logger } from 'pino';
import { Gauge, Registry as MetricsRegistry, collectDefaultMetrics } from 'prom-client';
import {
  createForecastService,
  createPrescriptionService,
  createSceneService,
  createWorkerPool,
  type PrescriptionService,
  type SceneService,
  type WorkerPool,
} from '@shamba/analytics';
import { createApiServer, createApp, type ApiServer, type HealthCheck } from '@shamba/api';
import { createIngestBroker, type IngestBroker, type IngestLimits } from '@shamba/ingest';
import {
  createInfluxTimeSeriesStore,
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type InfluxTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createYieldModels } from './yield-models.js';

export type StoreOptions =
  | { kind: 'sqlite' }
  | {
      kind: 'influxdb';
      url: string;
      database: string;
      token?: string;
      retry?: { baseMs: number; capMs: number };
    };

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
  clock?: () => number;
}

export interface Shamba extends AsyncDisposable {
  readonly registry: Registry;
  readonly store: TimeSeriesStore;
  readonly broker: IngestBroker;
  readonly pool: WorkerPool;
  readonly prescriptions: PrescriptionService;
  readonly scenes: SceneService;
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
    const registry = await createSqliteRegistry({ path: join(options.dataDir, 'registry.sqlite') });
    opened.push(registry);
    const store = await openStore(options, registry);
    opened.push(store);
    const metrics = new MetricsRegistry();
    collectDefaultMetrics({ register: metrics });
    new Gauge({
      name: 'shamba_spool_depth',
      help: 'Readings waiting in the durable spool for the time-series store',
      registers: [metrics],
      collect() {
        this.set('spoolDepth' in store ? (store as InfluxTimeSeriesStore).spoolDepth() : 0);
      },
    });
    const broker = await createIngestBroker({
      registry,
      store,
      metrics,
      ...(options.mqtt?.limits === undefined ? {} : { limits: options.mqtt.limits }),
      logger: logger.child({ component: 'ingest' }),
      ...(options.mqtt?.host === undefined ? {} : { host: options.mqtt.host }),
      ...(options.mqtt?.port === undefined ? {} : { port: options.mqtt.port }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    opened.push(broker);
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
      pool,
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
      return {
        broker: { status: broker.aedes.closed ? 'down' : 'up', detail: { ...broker.stats() } },
        store: { status: storeUp ? 'up' : 'down', detail: { kind: store.kind } },
        worker: {
          status: workers.alive === workers.size ? 'up' : 'down',
          detail: { ...workers, ...analytics, tfBackend: await tfBackend },
        },
      };
    };
    const api = await createApiServer({
      app: createApp({
        registry,
        store,
        health,
        metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
        models: createYieldModels({ registry, pool, dataDir: options.dataDir }),
        scenes: {
          register: (itemPath) => scenes.register(itemPath),
          uploadDir: options.scenesDir ?? join(options.dataDir, 'scenes'),
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
    const mqttHost = options.mqtt?.host ?? '127.0.0.1';
    return {
      registry,
      store,
      broker,
      pool,
      prescriptions,
      scenes,
      api,
      mqttUrl: `mqtt://${mqttHost === '0.0.0.0' ? '127.0.0.1' : mqttHost}:${broker.port}`,
      close: closeAll,
      [Symbol.asyncDispose]: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function openStore(options: ShambaOptions, registry: Registry): Promise<TimeSeriesStore> {
  const config = options.store ?? { kind: 'sqlite' };
  if (config.kind === 'sqlite')
    return createSqliteTimeSeriesStore({ path: join(options.dataDir, 'timeseries.sqlite') });
  const logger = options.logger.child({ component: 'influxdb' });
  return createInfluxTimeSeriesStore({
    url: config.url,
    database: config.database,
    ...(config.token === undefined ? {} : { token: config.token }),
    ...(config.retry === undefined ? {} : { retry: config.retry }),
    spoolPath: join(options.dataDir, 'influx-spool.sqlite'),
    // A line InfluxDB refuses for good becomes a dead letter, like any other rejected reading.
    onRejected: (reading, reason) => {
      logger.warn({ deviceId: reading.deviceId, reason }, 'InfluxDB refused a reading');
      void registry.deadLetters.add({
        receivedMs: Date.now(),
        deviceId: reading.deviceId,
        coopId: reading.coopId,
        topic: `influxdb:${reading.stream}`,
        code: 'STORE_REJECTED',
        reason,
        payload: new TextEncoder().encode(JSON.stringify(reading)),
      });
    },
    onAlert: (message) => logger.error(message),
  });
}
