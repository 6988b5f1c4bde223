export { generateSecret, hashSecret, verifySecret } from './auth/secrets.js';
export {
  createIngestBroker,
  type IngestBroker,
  type IngestBrokerOptions,
  type IngestLimits,
  type IngestStats,
} from './broker/create-ingest-broker.js';
export type { CommitHealth } from './broker/commit-health.js';
export type { DeviceMovedEvent } from './events/device-moved.js';
export { DEFAULT_RATE_LIMIT, type RateLimit } from './limits/rate-limiter.js';
export {
  createDeadLetterWriter,
  type DeadLetterInput,
  type DeadLetterWriter,
  type DeadLetterWriterOptions,
} from './pipeline/dead-letter-writer.js';
