export {
  generateSecret,
  hashSecret,
  hashSecretSync,
  isLegacyHash,
  verifySecret,
} from './auth/secrets.js';
export {
  CONNACK,
  createDeviceAuthenticator,
  type AuthResult,
  type ConnectAttempt,
} from './auth/authenticate-device.js';
export { createConnectGuard, type ConnectGuard } from './auth/connect-guard.js';
export { mayPublish, maySubscribe, type DeviceIdentity } from './acl/topic-acl.js';
export { decodeMessage, type DecodeOptions } from './pipeline/decode-message.js';
export {
  DEFAULT_LIMITS,
  createIngestBroker,
  type IngestBroker,
  type IngestBrokerOptions,
  type IngestLimits,
  type IngestStats,
} from './broker/create-ingest-broker.js';
export type { CommitHealth } from './broker/commit-health.js';
export { MOVED_THRESHOLD_M, checkPosition, type DeviceMovedEvent } from './events/device-moved.js';
export {
  PacketSizeScanner,
  PacketTooLargeError,
  describePacketHead,
  limitPacketSize,
} from './limits/packet-size-limiter.js';
export { DEFAULT_RATE_LIMIT, createRateLimiter, type RateLimit } from './limits/rate-limiter.js';
export { MAX_SUBSCRIPTIONS } from './limits/subscription-guard.js';
export { createGroupCommitter } from './pipeline/group-commit.js';
export {
  MAX_REASON_CHARS,
  boundReason,
  createDeadLetterWriter,
  type DeadLetterInput,
  type DeadLetterWriter,
} from './pipeline/dead-letter-writer.js';
export { createIngestMetrics, type IngestMetrics } from './metrics/ingest-metrics.js';
