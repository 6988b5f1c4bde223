import { join } from 'node:path';
import type { Logger } from 'pino';
import { Gauge, type Registry as MetricsRegistry } from 'prom-client';
import type { Config } from './config.js';
import {
  DEFAULT_RATE_LIMIT,
  createDeadLetterWriter,
  createIngestBroker,
  deadLetterStoreRejections,
  type DeadLetterWriter,
  type IngestBroker,
  type IngestLimits,
  type RateLimit,
} from '@shamba/ingest';
import {
  createInfluxTimeSeriesStore,
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';

export type StoreOptions =
  | { kind: 'sqlite' }
  | {
      kind: 'influxdb';
      url: string;
      database: string;
      token?: string;
      retry?: { baseMs: number; capMs: number };
    };

export interface IngestNodeOptions {
  dataDir: string;
  logger: Logger;
  /** Time-series store; SQLite under the data directory by default. */
  store?: StoreOptions;
  mqtt?: { host?: string; port?: number; limits?: Partial<IngestLimits> };
  /** Where the ingest's metrics go (spool depth, accepted and rejected, commit latency). */
  metrics: MetricsRegistry;
  clock?: () => number;
}

/** The registry, the time-series store and the broker in front of it: what `shamba ingest` runs. */
export interface IngestNode {
  readonly registry: Registry;
  readonly store: TimeSeriesStore;
  readonly broker: IngestBroker;
  readonly mqttUrl: string;
  close(): Promise<void>;
}

/**
 * Opens the ingest side of Shamba: `shamba start` runs it beside analytics and the API, and
 * `shamba ingest` alone (a programme's ingest nodes, or a box that only collects).
 */
export async function openIngestNode(options: IngestNodeOptions): Promise<IngestNode> {
  const opened: { close(): Promise<void> }[] = [];
  const close = async () => {
    for (const part of opened.reverse()) await part.close();
  };
  try {
    const registry = await createSqliteRegistry({ path: join(options.dataDir, 'registry.sqlite') });
    opened.push(registry);
    // One writer for every dead letter: the broker's refusals and the store's (InfluxDB's).
    const deadLetters = createDeadLetterWriter({
      registry,
      logger: options.logger.child({ component: 'ingest' }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    const store = await openStore(options, deadLetters);
    opened.push(store);
    new Gauge({
      name: 'shamba_spool_depth',
      help: 'Readings waiting in the durable spool for the time-series store',
      registers: [options.metrics],
      collect() {
        this.set(store.status?.().spoolDepth ?? 0); // a store without a spool: none waits
      },
    });
    const broker = await createIngestBroker({
      registry,
      store,
      metrics: options.metrics,
      deadLetters,
      ...(options.mqtt?.limits === undefined ? {} : { limits: options.mqtt.limits }),
      logger: options.logger.child({ component: 'ingest' }),
      ...(options.mqtt?.host === undefined ? {} : { host: options.mqtt.host }),
      ...(options.mqtt?.port === undefined ? {} : { port: options.mqtt.port }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    opened.push(broker);
    const host = options.mqtt?.host ?? '127.0.0.1';
    return {
      registry,
      store,
      broker,
      mqttUrl: `mqtt://${host === '0.0.0.0' ? '127.0.0.1' : host}:${broker.port}`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function openStore(
  options: IngestNodeOptions,
  deadLetters: DeadLetterWriter,
): Promise<TimeSeriesStore> {
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
    onRejected: deadLetterStoreRejections({ deadLetters, store: 'influxdb', logger }),
    onAlert: (message) => logger.error(message),
  });
}

/** The time-series store the configuration names. */
export function storeOptions(config: Config): StoreOptions {
  return config.store === 'sqlite'
    ? { kind: 'sqlite' }
    : {
        kind: 'influxdb',
        url: config.influxUrl,
        database: config.influxDatabase,
        ...(config.influxToken === undefined ? {} : { token: config.influxToken }),
      };
}

/** The per-device rate limit the configuration sets, if it sets one. */
export function rateLimit(config: Config): RateLimit | undefined {
  if (config.deviceRate === undefined && config.deviceBurst === undefined) return undefined;
  return {
    burst: config.deviceBurst ?? DEFAULT_RATE_LIMIT.burst,
    perSecond: config.deviceRate ?? DEFAULT_RATE_LIMIT.perSecond,
  };
}
