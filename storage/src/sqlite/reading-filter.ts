import type { ReadingQuery } from '../ports/time-series-store.js';

/**
 * The WHERE clause of a reading query, for tables with `time_ms`, `field_id`, `device_id` and
 * `stream` columns (the SQLite store and the spool in front of InfluxDB).
 */
export function readingFilter(query: ReadingQuery): { where: string; params: unknown[] } {
  const where = ['time_ms >= ?', 'time_ms < ?'];
  const params: unknown[] = [query.fromMs, query.toMs];
  if (query.fieldId !== undefined) {
    where.push('field_id = ?');
    params.push(query.fieldId);
  }
  if (query.deviceIds !== undefined) {
    where.push(`device_id IN (${query.deviceIds.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...query.deviceIds);
  }
  if (query.stream !== undefined) {
    where.push('stream = ?');
    params.push(query.stream);
  }
  return { where: where.join(' AND '), params };
}
