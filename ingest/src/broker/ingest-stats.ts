import type { ErrorCode } from '@shamba/schemas';
import type { ConnackCode } from '../hooks/ingest-hooks.js';
import type { IngestMetrics } from '../observability/ingest-metrics.js';
import { createCommitTracker, type CommitHealth } from './commit-health.js';

export type RejectReason = ErrorCode | 'RATE_LIMITED' | 'TOO_MANY_SUBSCRIPTIONS';

export interface IngestStats {
  connectedDevices: number;
  readingsCommitted: number;
  messagesRejected: Partial<Record<RejectReason, number>>;
  /** CONNECTs refused (wrong secret, unknown device, backoff, busy). */
  connectsRefused: number;
  /** Recent commits: `failing` while the newest failed within the last minute. */
  commits: CommitHealth;
}

/**
 * The broker's counts, kept beside its Prometheus metrics (each count moves both): what
 * `broker.stats()` answers, and the health endpoint reads.
 */
export function createIngestStats(metrics: IngestMetrics, clock: () => number) {
  const commits = createCommitTracker(clock);
  const counts = {
    connectedDevices: 0,
    readingsCommitted: 0,
    messagesRejected: {} as IngestStats['messagesRejected'],
    connectsRefused: 0,
  };
  // Arrow functions: the pipeline and the handlers take them detached.
  return {
    commits,
    /** A message or a subscription refused. */
    rejected: (reason: RejectReason) => {
      counts.messagesRejected[reason] = (counts.messagesRejected[reason] ?? 0) + 1;
      metrics.rejected.inc({ reason });
    },
    connectRefused: (returnCode: ConnackCode) => {
      counts.connectsRefused++;
      metrics.connectsRefused.inc({ code: returnCode });
    },
    connected: () => {
      counts.connectedDevices++;
      metrics.connected.inc();
    },
    disconnected: () => {
      counts.connectedDevices--;
      metrics.connected.dec();
    },
    committed: (readings: number) => {
      counts.readingsCommitted += readings;
    },
    snapshot: (): IngestStats => structuredClone({ ...counts, commits: commits.snapshot() }),
  };
}

export type IngestStatsCounter = ReturnType<typeof createIngestStats>;
