import {
  DAY_MS,
  DeviceSchema,
  EARLIEST_READING_MS,
  ShambaError,
  UP_STREAMS,
  type Field,
  type Prescription,
  type StoredReading,
  type UpStream,
} from '@shamba/schemas';
import {
  MAX_PRESCRIPTION_PAGE,
  type MessageKey,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import {
  CSV_TYPE,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  FILES,
  GEOJSON_TYPE,
  JSON_TYPE,
  NDJSON_TYPE,
  readingColumns,
  readingsPath,
  SOFTWARE,
  type Manifest,
} from './archive-layout.js';
import { createArchiveWriter } from './archive-writer.js';
import { csvField, csvLine } from './csv.js';
import { fieldsCollection, zonesCollection } from './geojson-layers.js';

export interface CoopExportOptions {
  registry: Registry;
  store: TimeSeriesStore;
  coopId: string;
  /** Written into the manifest (default SOFTWARE, `shamba 0.1.0`). */
  software?: string;
  clock?: () => number;
  /** The cooperative's model versions' metadata, where analytics keep models. */
  models?: () => Promise<readonly unknown[]>;
  /** Readings per page read from the store (default: the store's). */
  pageSize?: number;
  /** Called with the manifest once it is written (what the CLI reports). */
  onManifest?: (manifest: Manifest) => void;
}

/** The registry's message lists stop here (MAX_MESSAGE_PAGE in the SQLite registry). */
const MESSAGE_PAGE = 500;
/** Device clocks run ahead at most minutes (ingest's maxFutureMs): a day past now is after all. */
const AFTER_EVERY_READING_MS = DAY_MS;

/**
 * A cooperative's export as zip bytes, produced as they are pulled (see archive-layout.ts for
 * what is in it). Registry objects are read whole (a cooperative's are thousands at most);
 * readings are scanned a page at a time, and a page is read only after the zip bytes of the
 * previous one were taken by the consumer: memory stays one page and its zip output, whatever
 * the number of readings.
 */
export async function* exportCoop(options: CoopExportOptions): AsyncGenerator<Uint8Array> {
  const { registry, coopId } = options;
  const nowMs = (options.clock ?? Date.now)();
  const coop = await registry.coops.get(coopId);
  if (coop === undefined) throw new ShambaError('NOT_FOUND', `no cooperative ${coopId}`);
  const archive = createArchiveWriter({ mtime: new Date(nowMs) });
  const notes: string[] = [];
  const json = (path: string, value: unknown, records: number) => {
    const file = archive.open({
      path,
      mediaType: path.endsWith('.geojson') ? GEOJSON_TYPE : JSON_TYPE,
    });
    file.write(`${JSON.stringify(value, null, 2)}\n`, records);
    file.close();
    return archive.take();
  };
  /** An NDJSON file a page of records at a time, each page's zip bytes handed on before the next. */
  async function* ndjson(path: string, pages: AsyncIterable<readonly unknown[]>) {
    const file = archive.open({ path, mediaType: NDJSON_TYPE });
    for await (const page of pages) {
      file.write(page.map((r) => `${JSON.stringify(r)}\n`).join(''), page.length);
      yield* archive.take();
    }
    file.close();
    yield* archive.take();
  }

  const farmers = await registry.farmers.list(coopId);
  const fields = await registry.fields.list({ coopId });
  yield* json(FILES.coop, coop, 1);
  yield* json(FILES.farmers, farmers, farmers.length);
  const zones = zonesCollection(fields);
  yield* json(FILES.fields, fieldsCollection(fields), fields.length);
  yield* json(FILES.zones, zones, zones.features.length);
  // Parsed through the public schema: the secret's hash (and anything else) never leaves.
  const devices = (await registry.devices.list({ coopId })).map((d) => DeviceSchema.parse(d));
  yield* json(FILES.devices, devices, devices.length);
  const parameterSets = await registry.parameterSets.list(coopId);
  yield* json(FILES.parameterSets, parameterSets, parameterSets.length);
  const forecast = (await registry.weatherForecasts.latest(coopId)) ?? null;
  yield* json(FILES.weatherForecast, forecast, forecast === null ? 0 : 1);
  const history = await registry.yieldHistory.list(coopId);
  yield* json(FILES.yieldHistory, history, history.length);
  const applications = [];
  for (const field of fields)
    applications.push(...(await registry.fertiliserApplications.list(field.id)));
  yield* json(FILES.fertiliserApplications, applications, applications.length);
  const models = (await options.models?.()) ?? [];
  yield* json(FILES.models, models, models.length);

  const indices = [];
  for (const field of fields)
    indices.push(...(await registry.scenes.fieldSeries(field.id, { visibleTo: coopId })));
  const used = new Set(indices.map((i) => `${i.ownerCoopId ?? ''}/${i.sceneId}`));
  const scenes = (await registry.scenes.list({ visibleTo: coopId })).filter(
    (s) => s.ownerCoopId === coopId || used.has(`${s.ownerCoopId ?? ''}/${s.id}`),
  );
  yield* json(FILES.scenes, scenes, scenes.length);
  yield* ndjson(FILES.sceneIndices, once(indices));
  yield* ndjson(FILES.prescriptions, prescriptionPages(registry, fields));
  // Every message, newest first, a page at a time.
  yield* ndjson(
    FILES.outbox,
    messagePages(
      (after) => registry.messages.list({ coopId, limit: MESSAGE_PAGE, ...after }),
      (m) => m.createdMs,
    ),
  );
  yield* ndjson(
    FILES.inbound,
    messagePages(
      (after) => registry.inbound.list({ coopId, limit: MESSAGE_PAGE, ...after }),
      (m) => m.receivedMs,
    ),
  );

  for (const stream of UP_STREAMS) {
    yield* readingFiles(archive, options, { stream, toMs: nowMs + AFTER_EVERY_READING_MS });
  }

  const manifest: Manifest = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    coopId,
    createdAt: new Date(nowMs).toISOString(),
    software: options.software ?? SOFTWARE,
    files: [...archive.files],
    notes,
  };
  yield* json(FILES.manifest, manifest, 1);
  options.onManifest?.(manifest);
  archive.end();
  yield* archive.take();
}

/** One stream's readings, a file per UTC month, a page at a time. */
async function* readingFiles(
  archive: ReturnType<typeof createArchiveWriter>,
  options: CoopExportOptions,
  { stream, toMs }: { stream: UpStream; toMs: number },
): AsyncGenerator<Uint8Array> {
  const columns = readingColumns(stream);
  const quantities = columns.slice(7, -1);
  let path: string | undefined;
  let file: ReturnType<typeof archive.open> | undefined;
  const pages = options.store.scan({
    coopId: options.coopId,
    stream,
    fromMs: EARLIEST_READING_MS,
    toMs,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  for await (const page of pages) {
    let lines = '';
    let count = 0;
    for (const reading of page) {
      const monthPath = readingsPath(stream, reading.timeMs);
      if (monthPath !== path) {
        if (file !== undefined) {
          file.write(lines, count);
          file.close();
          lines = '';
          count = 0;
        }
        path = monthPath;
        file = archive.open({ path, mediaType: CSV_TYPE, columns });
        file.write(csvLine(columns));
      }
      lines += readingLine(reading, quantities);
      count++;
    }
    file?.write(lines, count);
    yield* archive.take(); // the next page is read only once these bytes were taken
  }
  file?.close();
  yield* archive.take();
}

/**
 * A reading's CSV line (RFC 4180), built directly: this runs for every reading exported. Numbers
 * need no quoting; ids and the JSON column are quoted when they need it.
 */
function readingLine(r: StoredReading, quantities: readonly string[]): string {
  let line = `${new Date(r.timeMs).toISOString()},${r.timeMs},${csvField(r.deviceId)},${r.seq},${csvField(r.fieldId ?? '')},${csvField(r.zoneId ?? '')},${r.receivedMs}`;
  for (const name of quantities) {
    const value = r.values[name];
    line += value === undefined ? ',' : `,${value}`;
  }
  let other: Record<string, number> | undefined;
  for (const name in r.values)
    if (!quantities.includes(name)) (other ??= {})[name] = r.values[name]!;
  return `${line},${other === undefined ? '' : csvField(JSON.stringify(other))}\r\n`;
}

async function* once<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  yield items;
}

/**
 * Every stored version of every field's prescriptions, oldest first (an import adds them in this
 * order, so versions made at the same time keep their order). A field's versions are read whole
 * (at most MAX_PRESCRIPTION_VERSIONS of each kind), one field at a time.
 */
async function* prescriptionPages(registry: Registry, fields: readonly Field[]) {
  for (const field of fields) {
    const versions: Prescription[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await registry.prescriptions.history(field.id, {
        limit: MAX_PRESCRIPTION_PAGE,
        ...(before === undefined ? {} : { before }),
      });
      versions.push(...page);
      if (page.length < MAX_PRESCRIPTION_PAGE) break;
      before = page.at(-1)!.id;
    }
    if (versions.length > 0) yield versions.reverse();
  }
}

/** A message list read a page at a time (the registry's keyset), each page once. */
async function* messagePages<T extends { id: string }>(
  read: (after: { after?: MessageKey }) => Promise<T[]>,
  timeOf: (item: T) => number,
): AsyncGenerator<readonly T[]> {
  let after: MessageKey | undefined;
  for (;;) {
    const page = await read(after === undefined ? {} : { after });
    if (page.length > 0) yield page;
    if (page.length < MESSAGE_PAGE) return;
    const last = page.at(-1)!;
    after = { timeMs: timeOf(last), id: last.id };
  }
}
