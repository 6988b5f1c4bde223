import { QUANTITIES, UP_STREAMS, type UpStream } from '@shamba/schemas';
import { z } from 'zod';

/**
 * The layout of a cooperative's export (README "The cooperative's data"). Everything a
 * cooperative owns, in open formats a spreadsheet or a GIS opens without Shamba:
 *
 * - `coop.json`, `farmers.json`, `devices.json` (never a secret or its hash), `parameter-sets.json`,
 *   `weather-forecast.json`, `yield-history.json`, `fertiliser-applications.json`,
 *   `models.json` (model versions' metadata), `scenes.json`: JSON (RFC 8259), one document each.
 * - `fields.geojson`, `zones.geojson`: GeoJSON FeatureCollections (RFC 7946), WGS 84 lon/lat; a
 *   zone's feature carries its `fieldId`.
 * - `prescriptions.ndjson` (every stored version, with its steps and provenance),
 *   `messages-outbox.ndjson`, `messages-inbound.ndjson`, `scene-indices.ndjson`: one JSON
 *   document a line (NDJSON), so a reader takes them a record at a time.
 * - `readings/<stream>/<YYYY-MM>.csv`: every reading, RFC 4180 CSV, one file per stream and UTC
 *   month. CSV because a cooperative's spreadsheet and QGIS (GDAL's CSV driver) open it as is,
 *   and a month of one stream stays under a spreadsheet's 1,048,576 rows for a few hundred
 *   devices (300 probes every 15 minutes: 864,000). Columns: READING_COLUMNS then the stream's
 *   quantities in canonical units (QUANTITIES), then `other_values_json` for any other value.
 * - `manifest.json`, last: the format and its version, and for every other file its path, media
 *   type, bytes, SHA-256 and record count.
 */
export const EXPORT_FORMAT = 'shamba-coop-export';
export const EXPORT_FORMAT_VERSION = 1;
/** The workspace's version (every package.json says 0.1.0), for the manifest's `software`. */
export const SOFTWARE = 'shamba 0.1.0';

export const JSON_TYPE = 'application/json';
/** RFC 7946 §12. */
export const GEOJSON_TYPE = 'application/geo+json';
/** The NDJSON spec (github.com/ndjson/ndjson-spec) names this type. */
export const NDJSON_TYPE = 'application/x-ndjson';
/** RFC 4180 §3, with its `header` parameter. */
export const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

export const FILES = {
  coop: 'coop.json',
  farmers: 'farmers.json',
  fields: 'fields.geojson',
  zones: 'zones.geojson',
  devices: 'devices.json',
  parameterSets: 'parameter-sets.json',
  weatherForecast: 'weather-forecast.json',
  yieldHistory: 'yield-history.json',
  fertiliserApplications: 'fertiliser-applications.json',
  models: 'models.json',
  scenes: 'scenes.json',
  sceneIndices: 'scene-indices.ndjson',
  prescriptions: 'prescriptions.ndjson',
  outbox: 'messages-outbox.ndjson',
  inbound: 'messages-inbound.ndjson',
  manifest: 'manifest.json',
} as const;

/** Every reading file's first columns; the stream's quantities follow. */
export const READING_COLUMNS = [
  'time_utc', // ISO 8601, device time, for people
  'time_ms', // the same, ms since the epoch, exact
  'device_id',
  'seq',
  'field_id',
  'zone_id',
  'received_ms',
] as const;
export const OTHER_VALUES_COLUMN = 'other_values_json';

export function readingColumns(stream: UpStream): string[] {
  return [...READING_COLUMNS, ...Object.keys(QUANTITIES[stream]), OTHER_VALUES_COLUMN];
}

const READINGS_PATH = new RegExp(`^readings/(${UP_STREAMS.join('|')})/(\\d{4}-\\d{2})\\.csv$`);

export function readingsPath(stream: UpStream, timeMs: number): string {
  return `readings/${stream}/${new Date(timeMs).toISOString().slice(0, 7)}.csv`;
}

/** The stream of a readings file, or undefined for any other path. */
export function readingsStreamOf(path: string): UpStream | undefined {
  return READINGS_PATH.exec(path)?.[1] as UpStream | undefined;
}

export const ManifestFileSchema = z.object({
  path: z.string().min(1),
  mediaType: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  records: z.number().int().min(0),
  /** A readings file's columns, in order. */
  columns: z.array(z.string()).optional(),
});
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

export const ManifestSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  formatVersion: z.literal(EXPORT_FORMAT_VERSION),
  coopId: z.string(),
  createdAt: z.iso.datetime(),
  software: z.string(),
  files: z.array(ManifestFileSchema),
  /** What the archive leaves out, and why (e.g. a message list cut at its page cap). */
  notes: z.array(z.string()),
});
export type Manifest = z.infer<typeof ManifestSchema>;
