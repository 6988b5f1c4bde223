export type { ReadingQuery, TimeSeriesStatus, TimeSeriesStore } from './ports/time-series-store.js';
export { SCAN_PAGE_SIZE, type ReadingScan } from './ports/time-series-store.js';
export type { AuditAction, AuditEntry, FarmerErasure, NewAuditEntry } from './ports/registry.js';
export type {
  DeadLetter,
  DeadLetterFilter,
  DeviceRecord,
  FieldFilter,
  FieldSceneIndices,
  LatestByKind,
  MessageFilter,
  MessageKey,
  MessageUsage,
  NewDeadLetter,
  OutboxMessagePatch,
  PrescriptionHistoryFilter,
  QuarantinedScene,
  Registry,
  SceneRecord,
  TokenRecord,
} from './ports/registry.js';
export {
  createSqliteTimeSeriesStore,
  type SqliteTimeSeriesOptions,
} from './adapters/sqlite-time-series/sqlite-time-series-store.js';
export {
  DEFAULT_MAX_DEAD_LETTERS,
  DEFAULT_MAX_DEAD_LETTERS_PER_DEVICE,
  MAX_DEAD_LETTER_PAYLOAD,
  MAX_DEAD_LETTER_REASON,
  createSqliteRegistry,
  type SqliteRegistryOptions,
} from './adapters/sqlite-registry/sqlite-registry.js';
export {
  MAX_PRESCRIPTION_PAGE,
  MAX_PRESCRIPTION_VERSIONS,
} from './adapters/sqlite-registry/prescriptions.js';
export { tokenDigest } from './tokens/token-digest.js';
export { deviceSecretHash, newDeviceSecret, verifyDeviceSecret } from './tokens/device-secret.js';
export { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, newToken, tokenId } from './tokens/new-token.js';
export {
  createInfluxTimeSeriesStore,
  type InfluxStatus,
  type InfluxStoreOptions,
  type InfluxTimeSeriesStore,
} from './adapters/influxdb/influx-time-series-store.js';
export {
  sanitizeStringField,
  sanitizeTag,
  toLineProtocol,
} from './adapters/influxdb/line-protocol.js';
export { openDurableSpool, type DurableSpool, type SpooledLine } from './spool/durable-spool.js';
