import type { StoredReading } from '@shamba/schemas';
import { SCAN_PAGE_SIZE, type ReadingScan } from '../../ports/time-series-store.js';
import type { DurableSpool } from '../../spool/durable-spool.js';

export interface InfluxScanDeps {
  /** Runs an InfluxQL SELECT and returns its rows as readings (none if the database is absent). */
  select(statement: string): Promise<StoredReading[]>;
  /** The spool in front of InfluxDB: readings not yet delivered, newer than InfluxDB's copy. */
  spool: Pick<DurableSpool, 'page'>;
  /** An InfluxQL string literal. */
  quote(value: string): string;
}

const keyOf = (r: StoredReading) => `${r.deviceId}\u0000${r.timeMs}`;

/**
 * The InfluxDB store's `scan`. InfluxQL has no keyset on (time, device), so a page is read by
 * time, from InfluxDB and from the spool alike: up to `limit` points of each from `fromMs` on,
 * oldest first. A source that filled its page may have more points at its last instant, so the
 * page ends before the earlier of the two full sources' last instants, and the next page starts
 * there. A page that would hold nothing (one instant fills it) is read again twice as large.
 * The spool's copy of a key wins, as in `query`.
 */
export function createInfluxScanner(deps: InfluxScanDeps) {
  return async function* scan(query: ReadingScan): AsyncGenerator<StoredReading[]> {
    const pageSize = query.pageSize ?? SCAN_PAGE_SIZE;
    let fromMs = query.fromMs;
    let limit = pageSize;
    while (fromMs < query.toMs) {
      const window = { fromMs, toMs: query.toMs };
      // The spool first, as in `query`: a batch delivered meanwhile is then in InfluxDB's answer.
      const spooled = deps.spool.page({ stream: query.stream, ...window, limit });
      const stored = await deps.select(
        `SELECT * FROM "${query.stream}" WHERE "coop" = ${deps.quote(query.coopId)}` +
          ` AND time >= ${Math.floor(fromMs)}ms AND time < ${Math.floor(query.toMs)}ms` +
          ` ORDER BY time ASC LIMIT ${limit}`,
      );
      const ends = [stored, spooled]
        .filter((source) => source.length === limit)
        .map((source) => source.at(-1)!.timeMs);
      const endMs = Math.min(query.toMs, ...ends);
      if (endMs === fromMs) {
        limit *= 2; // one instant fills a page: widen it until the instant fits
        continue;
      }
      const byKey = new Map<string, StoredReading>();
      for (const r of stored) if (r.timeMs < endMs) byKey.set(keyOf(r), r);
      for (const r of spooled)
        if (r.timeMs < endMs && r.coopId === query.coopId) byKey.set(keyOf(r), r);
      const page = [...byKey.values()].sort(
        (a, b) => a.timeMs - b.timeMs || (a.deviceId < b.deviceId ? -1 : 1),
      );
      if (page.length > 0) yield page;
      fromMs = endMs;
      limit = pageSize;
    }
  };
}
