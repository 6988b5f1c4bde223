import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createIngestBroker } from '@shamba/ingest';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';

/**
 * The full ingest in a process of its own, so the benchmark measures its memory and CPU apart
 * from the load generator. Talks to the parent over IPC: `ready` with its port,
 * then answers `stats` with peak RSS and readings committed.
 */
// The registry arrives provisioned (by the parent): hashing a thousand secrets is the
// technician's CLI's work, not the broker's, and would dominate the broker's peak memory.
const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'shamba-bench-'));
const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
// The load generator publishes as fast as PUBACKs return, far over a field device's rate, so
// the per-device rate limit is lifted (every other check stays on).
const broker = await createIngestBroker({
  registry,
  store,
  logger: pino({ level: 'silent' }),
  port: 0,
  limits: { rate: { burst: Number.MAX_SAFE_INTEGER, perSecond: Number.MAX_SAFE_INTEGER } },
});
process.send?.({ type: 'ready', port: broker.port });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    process.send?.({
      type: 'stats',
      rssMb: process.resourceUsage().maxRSS / 1024,
      committed: broker.stats().readingsCommitted,
    });
  }
  if (message.type === 'stop') void broker.close().then(() => process.exit(0));
});
