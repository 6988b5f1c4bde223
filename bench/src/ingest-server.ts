import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createIngestBroker, generateSecret, hashSecret } from '@shamba/ingest';
import { createSqliteRegistry, createSqliteTimeSeriesStore } from '@shamba/storage';

/**
 * The full ingest in a process of its own, so the benchmark measures its memory and CPU apart
 * from the load generator. Talks to the parent over IPC: `ready` with port and credentials,
 * then answers `stats` with peak RSS and readings committed.
 */
const devices = Number(process.argv[2] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'shamba-bench-'));
const registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
const credentials = await Promise.all(
  Array.from({ length: devices }, async (_, i) => {
    const id = `bench-${i}`;
    const password = generateSecret();
    await registry.devices.upsert({
      id,
      coopId: 'bench-coop',
      fieldId: null,
      zoneId: null,
      kind: 'soil-probe',
      secretHash: await hashSecret(password),
    });
    return { id, password };
  }),
);
// The load generator publishes as fast as PUBACKs return, far over a field device's rate, so
// the per-device rate limit is lifted (every other check stays on).
const broker = await createIngestBroker({
  registry,
  store,
  logger: pino({ level: 'silent' }),
  port: 0,
  limits: { rate: { burst: Number.MAX_SAFE_INTEGER, perSecond: Number.MAX_SAFE_INTEGER } },
});
process.send?.({ type: 'ready', port: broker.port, credentials });
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
