import { DEFAULT_RATE_LIMIT, type RateLimit } from './rate-limiter.js';
import { MAX_SUBSCRIPTIONS } from './subscription-guard.js';

export interface IngestLimits {
  /**
   * Largest MQTT packet accepted, bytes. A 16-reading SenML replay pack is about 2 KB and an
   * NMEA epoch a few hundred bytes; 16 KiB leaves room and bounds what one socket can make us hold.
   */
  maxPacketBytes: number;
  /** A connection that has not sent CONNECT by then is closed. GPRS handshakes take seconds. */
  connectTimeoutMs: number;
  /** Our topics have 6 levels; nothing legitimate is deeper. */
  maxTopicLevels: number;
  /** Topic filters one connection may hold (see MAX_SUBSCRIPTIONS for why 16). */
  maxSubscriptions: number;
  /** Per device; PUBLISH and each SUBSCRIBE filter take a token. */
  rate: RateLimit;
}

export const DEFAULT_LIMITS: IngestLimits = {
  maxPacketBytes: 16 * 1024,
  connectTimeoutMs: 10_000,
  maxTopicLevels: 8,
  maxSubscriptions: MAX_SUBSCRIPTIONS,
  rate: DEFAULT_RATE_LIMIT,
};
