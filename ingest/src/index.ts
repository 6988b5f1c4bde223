export { generateSecret, hashSecret, verifySecret } from './auth/secrets.js';
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
export { MOVED_THRESHOLD_M, checkPosition, type DeviceMovedEvent } from './events/device-moved.js';
export {
  PacketSizeScanner,
  PacketTooLargeError,
  limitPacketSize,
} from './limits/packet-size-limiter.js';
export { DEFAULT_RATE_LIMIT, createRateLimiter, type RateLimit } from './limits/rate-limiter.js';
export { createGroupCommitter } from './pipeline/group-commit.js';
export { createIngestMetrics, type IngestMetrics } from './metrics/ingest-metrics.js';
