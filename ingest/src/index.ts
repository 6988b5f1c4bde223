export { generateSecret, hashSecret, verifySecret } from './auth/secrets.js';
export { mayPublish, maySubscribe, type DeviceIdentity } from './acl/topic-acl.js';
export { decodeMessage, type DecodeOptions } from './pipeline/decode-message.js';
export {
  createIngestBroker,
  type IngestBroker,
  type IngestBrokerOptions,
  type IngestStats,
} from './broker/create-ingest-broker.js';
