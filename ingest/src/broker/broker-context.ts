import type { Logger } from 'pino';
import { Registry as MetricsRegistry } from 'prom-client';
import type { DeviceRecord, Registry } from '@shamba/storage';
import type { IngestLimits } from '../limits/ingest-limits.js';
import { createRateLimiter } from '../limits/rate-limiter.js';
import { createSubscriptionGuard, type SubscriptionGuard } from '../limits/subscription-guard.js';
import { createIngestMetrics, type IngestMetrics } from '../observability/ingest-metrics.js';
import { createRefusalLog, type RefusalLog } from '../observability/refusal-log.js';
import { createDeadLetterWriter, type DeadLetterWriter } from '../pipeline/dead-letter-writer.js';
import { createConnections, type Connections } from './connections.js';
import { createIngestStats, type IngestStatsCounter } from './ingest-stats.js';

/** What the broker's Aedes handlers share: the limits, the bookkeeping, the logs. */
export interface BrokerContext {
  readonly limits: IngestLimits;
  readonly logger: Logger;
  readonly metrics: IngestMetrics;
  readonly stats: IngestStatsCounter;
  readonly connections: Connections;
  readonly subscriptions: SubscriptionGuard;
  /** Refusals (the clients' doing), at warn, once a minute per source and reason. */
  readonly refusals: RefusalLog;
  /** Failures of ours (the store, the registry), at error, once a minute. */
  readonly storeFailures: RefusalLog;
  readonly deadLetters: DeadLetterWriter;
  /**
   * Takes a token from the device's bucket for a PUBLISH or a SUBSCRIBE filter. Out of tokens,
   * the refusal is counted and logged and the error that cuts the device is returned.
   */
  readonly overRate: (device: DeviceRecord, packet: 'PUBLISH' | 'SUBSCRIBE') => Error | undefined;
  /** Gives back the token of a message we failed to handle. */
  readonly refund: (deviceId: string) => void;
}

export interface BrokerContextOptions {
  registry: Registry;
  logger: Logger;
  clock: () => number;
  limits: IngestLimits;
  /** Prometheus registry the metrics go to (a private one if not given). */
  metrics?: MetricsRegistry | undefined;
  /** The one dead-letter writer (one over `registry` if not given). */
  deadLetters?: DeadLetterWriter | undefined;
}

export function createBrokerContext(options: BrokerContextOptions): BrokerContext {
  const { registry, logger, clock, limits } = options;
  const metrics = createIngestMetrics(options.metrics ?? new MetricsRegistry());
  const rate = createRateLimiter(limits.rate, clock);
  const stats = createIngestStats(metrics, clock);
  const refusals = createRefusalLog(logger, { clock });
  const cut = (device: DeviceRecord, packet: 'PUBLISH' | 'SUBSCRIBE'): Error => {
    stats.rejected('RATE_LIMITED');
    metrics.disconnected.inc({ limit: 'rate' });
    refusals.note(
      { source: device.id, reason: 'RATE_LIMITED' },
      { deviceId: device.id, packet },
      'device cut',
    );
    const { burst, perSecond } = limits.rate;
    return new Error(
      `device ${device.id} over its rate (${packet}): ${burst} at once, ${perSecond} a second`,
    );
  };
  return {
    limits,
    logger,
    metrics,
    stats,
    connections: createConnections(),
    subscriptions: createSubscriptionGuard(limits.maxSubscriptions),
    refusals,
    storeFailures: createRefusalLog(logger, { clock, level: 'error' }),
    deadLetters: options.deadLetters ?? createDeadLetterWriter({ registry, logger, clock }),
    overRate: (device, packet) => (rate.take(device.id) ? undefined : cut(device, packet)),
    refund: (deviceId) => rate.giveBack(deviceId),
  };
}
