import { Point } from '@influxdata/influxdb-client';
import type { StoredReading } from '@shamba/schemas';

/**
 * Readings as InfluxDB line protocol: the stream is the measurement; coop, device, field and
 * zone are tags (low-cardinality identity only); the values, seq and arrival time are fields;
 * device time is the timestamp, in milliseconds. Points are keyed by measurement, tags and time,
 * so a resend overwrites, as the port requires.
 */
export const TAG_KEYS = ['coop', 'device', 'field', 'zone'] as const;

/**
 * The official client escapes commas, spaces and `=` in tag values but not backslashes: a
 * trailing one then escapes the separator after it and corrupts the line, and `\ ` reads
 * differently depending on what follows. Control characters cannot be carried at all. Ids here
 * are already `[a-z0-9-]`, but a store must not trust its callers: both are removed.
 */
export function sanitizeTag(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\\]/g, '');
}

/** String fields: newlines end a line of line protocol; the client does not escape them. */
export function sanitizeStringField(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/\r\n|\r|\n/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '');
}

export function toLineProtocol(reading: StoredReading): string {
  const point = new Point(reading.stream)
    .tag('coop', sanitizeTag(reading.coopId))
    .tag('device', sanitizeTag(reading.deviceId))
    .intField('seq', reading.seq)
    .intField('received_ms', reading.receivedMs)
    .timestamp(reading.timeMs);
  if (reading.fieldId !== null) point.tag('field', sanitizeTag(reading.fieldId));
  if (reading.zoneId !== null) point.tag('zone', sanitizeTag(reading.zoneId));
  for (const [name, value] of Object.entries(reading.values)) point.floatField(name, value);
  const line = point.toLineProtocol({ convertTime: (t) => String(t) });
  if (line === undefined) throw new Error('a reading without fields cannot be written');
  return line;
}
