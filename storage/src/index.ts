export type { ReadingQuery, TimeSeriesStore } from './ports/time-series-store.js';
export type {
  DeadLetter,
  DeviceRecord,
  FieldFilter,
  NewDeadLetter,
  Registry,
} from './ports/registry.js';
export {
  createSqliteTimeSeriesStore,
  type SqliteTimeSeriesOptions,
} from './adapters/sqlite-time-series/sqlite-time-series-store.js';
export {
  DEFAULT_MAX_DEAD_LETTERS,
  createSqliteRegistry,
  type SqliteRegistryOptions,
} from './adapters/sqlite-registry/sqlite-registry.js';
export { tokenDigest } from './tokens/token-digest.js';
