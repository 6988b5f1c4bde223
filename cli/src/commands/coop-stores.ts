import { join } from 'node:path';
import {
  createInfluxTimeSeriesStore,
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import type { Config } from '../config.js';

/**
 * The registry and the time-series store a configuration names, for the commands that read or
 * write a cooperative's data on the box (export, import): the same files and server `shamba
 * start` uses (both stores take a second process, see the SQLite store's two-process test).
 */
export async function openCoopStores(
  config: Config,
): Promise<{ registry: Registry; store: TimeSeriesStore; close(): Promise<void> }> {
  const registry = await createSqliteRegistry({ path: join(config.dataDir, 'registry.sqlite') });
  try {
    const store =
      config.store === 'sqlite'
        ? await createSqliteTimeSeriesStore({ path: join(config.dataDir, 'timeseries.sqlite') })
        : await createInfluxTimeSeriesStore({
            url: config.influxUrl,
            database: config.influxDatabase,
            ...(config.influxToken === undefined ? {} : { token: config.influxToken }),
            spoolPath: join(config.dataDir, 'influx-spool.sqlite'),
          });
    return {
      registry,
      store,
      async close() {
        await store.close();
        await registry.close();
      },
    };
  } catch (error) {
    await registry.close();
    throw error;
  }
}
