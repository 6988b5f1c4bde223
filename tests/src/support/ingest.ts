import { join } from 'node:path';
import { pino } from 'pino';
import { createIngestBroker, type IngestBroker, type IngestBrokerOptions } from '@shamba/ingest';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';

export interface IngestStack extends AsyncDisposable {
  registry: Registry;
  store: TimeSeriesStore;
  broker: IngestBroker;
  url: string;
  /** Stops the broker only (an outage); the stores stay open. */
  stopBroker(): Promise<void>;
  /** Starts a broker again on the same port, over the same stores. */
  startBroker(): Promise<void>;
}

/** Registry, time-series store and ingest broker over SQLite files in `dir`, on a free port. */
export async function startIngest(
  dir: string,
  extra: Partial<IngestBrokerOptions> = {},
): Promise<IngestStack> {
  const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
  const logger = pino({ level: 'silent' });
  const stack = {
    registry,
    store,
    broker: await createIngestBroker({ registry, store, logger, port: 0, ...extra }),
    url: '',
    async stopBroker() {
      await stack.broker.close();
    },
    async startBroker() {
      stack.broker = await createIngestBroker({
        registry,
        store,
        logger,
        ...extra,
        port: stack.broker.port,
      });
    },
    async [Symbol.asyncDispose]() {
      if (!stack.broker.aedes.closed) await stack.broker.close();
      await registry.close();
      await store.close();
    },
  };
  stack.url = `mqtt://127.0.0.1:${stack.broker.port}`;
  return stack;
}
