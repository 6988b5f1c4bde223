import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The ingest's Prometheus metrics, registered on the registry the process exposes at /metrics. */
export function createIngestMetrics(registry: Registry) {
  return {
    accepted: new Counter({
      name: 'shamba_readings_committed_total',
      help: 'Readings committed to the store',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'shamba_messages_rejected_total',
      help: 'Device messages refused or dead-lettered, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    disconnected: new Counter({
      name: 'shamba_clients_disconnected_total',
      help: 'Connections cut by a limit, by limit',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    connectsRefused: new Counter({
      name: 'shamba_connects_refused_total',
      help: 'CONNECTs refused, by MQTT return code (2 id, 3 busy, 4 bad secret, 5 backoff)',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'shamba_commit_seconds',
      help: 'Time from a publish reaching the broker to its readings being durable',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'shamba_store_write_errors_total',
      help: 'Failed commits to the time-series store, by store',
      labelNames: ['store'] as const,
      registers: [registry],
    }),
    connected: new Gauge({
      name: 'shamba_connected_devices',
      help: 'Devices connected now',
      registers: [registry],
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
