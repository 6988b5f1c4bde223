export { generateSecret, hashSecret, verifySecret } from './auth/secrets.js';
export {
  createIngestBroker,
  type IngestBroker,
  type IngestBrokerOptions,
} from './broker/create-ingest-broker.js';
export type { CommitHealth } from './broker/commit-health.js';
export type { IngestStats } from './broker/ingest-stats.js';
export type { DeviceMovedEvent } from './events/device-moved.js';
export {
  CONNACK,
  type AuthResult,
  type AuthenticateHook,
  type AuthorizePublishHook,
  type AuthorizeSubscribeHook,
  type ConnackCode,
  type ConnectAttempt,
  type IngestHooks,
} from './hooks/ingest-hooks.js';
export type { IngestLimits } from './limits/ingest-limits.js';
export { DEFAULT_RATE_LIMIT, type RateLimit } from './limits/rate-limiter.js';
export {
  createDeadLetterWriter,
  deadLetterStoreRejections,
  type DeadLetterInput,
  type DeadLetterWriter,
  type DeadLetterWriterOptions,
} from './pipeline/dead-letter-writer.js';
