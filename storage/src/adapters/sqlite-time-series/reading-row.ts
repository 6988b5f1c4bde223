import type { StoredReading } from '@shamba/schemas';

/** A row of `readings` (and of the inbox), as better-sqlite3 returns it. */
export interface ReadingRow {
  device_id: string;
  stream: StoredReading['stream'];
  time_ms: number;
  seq: number;
  coop_id: string;
  field_id: string | null;
  zone_id: string | null;
  received_ms: number;
  values_json: string;
}

export function fromRow(row: ReadingRow): StoredReading {
  return {
    deviceId: row.device_id,
    stream: row.stream,
    timeMs: row.time_ms,
    seq: row.seq,
    values: JSON.parse(row.values_json) as Record<string, number>,
    coopId: row.coop_id,
    fieldId: row.field_id,
    zoneId: row.zone_id,
    receivedMs: row.received_ms,
  };
}
