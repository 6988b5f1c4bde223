import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteRegistry } from '../adapters/sqlite-registry/sqlite-registry.js';
import { createSqliteTimeSeriesStore } from '../adapters/sqlite-time-series/sqlite-time-series-store.js';
import type { Registry } from '../ports/registry.js';
import type { TimeSeriesStore } from '../ports/time-series-store.js';

/** A registry and a time-series store in SQLite files of their own temporary folder. */
export interface TempStores extends AsyncDisposable {
  dir: string;
  registry: Registry;
  store: TimeSeriesStore;
  /** Closes both and removes the folder. */
  close(): Promise<void>;
}

/** Opens a fresh SQLite registry and store under a new temporary folder named `prefix...`. */
export async function openTempStores(prefix = 'shamba-test-'): Promise<TempStores> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
  const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
  const close = async () => {
    await store.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, registry, store, close, [Symbol.asyncDispose]: close };
}
