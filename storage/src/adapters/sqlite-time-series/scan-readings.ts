import type { StoredReading } from '@shamba/schemas';
import type { Database } from 'better-sqlite3';
import { SCAN_PAGE_SIZE, type ReadingScan } from '../../ports/time-series-store.js';
import { fromRow, type ReadingRow } from './reading-row.js';

const COLUMNS =
  'device_id, stream, time_ms, seq, coop_id, field_id, zone_id, received_ms, values_json';

/**
 * One page of a scan: the rows after a position (time, device), oldest first, from the inbox and
 * the indexed table together (the inbox's copy wins, as in readingsQuery). Keyset pagination on
 * the table's key (time_ms, device_id, stream) with the stream fixed: each page is an index range
 * read, so the last page costs what the first does (an OFFSET would rescan every page before).
 * The row-value comparison needs SQLite 3.15 (better-sqlite3 12 bundles 3.50).
 */
export const PAGE_SQL = `SELECT * FROM (
    SELECT ${COLUMNS} FROM inbox.readings_inbox AS i
    WHERE coop_id = @coop AND stream = @stream AND (time_ms, device_id) > (@time, @device)
      AND time_ms < @to
    UNION ALL
    SELECT ${COLUMNS} FROM main.readings AS r
    WHERE coop_id = @coop AND stream = @stream AND (time_ms, device_id) > (@time, @device)
      AND time_ms < @to AND NOT EXISTS (
        SELECT 1 FROM inbox.readings_inbox AS i
        WHERE i.time_ms = r.time_ms AND i.device_id = r.device_id AND i.stream = r.stream))
  ORDER BY time_ms, device_id LIMIT @limit`;

/**
 * The SQLite store's `scan`: `beforePage` runs before each page is read (the store merges an
 * inbox grown too large to read by its time key). An async generator: a page is read only when
 * the consumer pulls the next one.
 */
export function createReadingScanner(db: Database, beforePage: () => Promise<void>) {
  const page = db.prepare(PAGE_SQL);
  return async function* scan(query: ReadingScan): AsyncGenerator<StoredReading[]> {
    const limit = query.pageSize ?? SCAN_PAGE_SIZE;
    // Device ids are never empty (IdSchema), so (fromMs, '') is before every reading at fromMs.
    let position = { time: query.fromMs, device: '' };
    for (;;) {
      await beforePage();
      const rows = page.all({
        coop: query.coopId,
        stream: query.stream,
        time: position.time,
        device: position.device,
        to: query.toMs,
        limit,
      }) as ReadingRow[];
      if (rows.length > 0) yield rows.map(fromRow);
      if (rows.length < limit) return;
      const last = rows.at(-1)!;
      position = { time: last.time_ms, device: last.device_id };
    }
  };
}
