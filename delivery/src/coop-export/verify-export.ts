import {
  CoopSchema,
  DeviceSchema,
  FarmerSchema,
  FertiliserApplicationSchema,
  FieldIndicesSchema,
  InboundMessageSchema,
  OutboxMessageSchema,
  ParameterSetSchema,
  PrescriptionSchema,
  ShambaError,
  WeatherForecastSchema,
  YieldHistoryRowSchema,
  IdSchema,
} from '@shamba/schemas';
import { z } from 'zod';
import { FILES, ManifestSchema, readingsStreamOf, type Manifest } from './archive-layout.js';
import { hashing, textSink, walkArchive, type EntrySink } from './archive-reader.js';
import { ndjsonSink } from './ndjson-lines.js';
import { fieldsFromCollections } from './geojson-layers.js';
import { createReadingsParser } from './readings-csv.js';

const SceneSchema = z.object({
  id: z.string().min(1),
  ownerCoopId: IdSchema.nullable(),
  acquiredMs: z.number().int(),
  itemPath: z.string(),
  cloudCoverPct: z.number().nullable(),
  processedMs: z.number().int(),
});
const SceneIndicesSchema = z.object({
  sceneId: z.string().min(1),
  ownerCoopId: IdSchema.nullable(),
  fieldId: IdSchema,
  acquiredMs: z.number().int(),
  indices: FieldIndicesSchema,
});

/** The JSON files and how each is checked: a whole document, or NDJSON a line at a time. */
const DOCUMENTS = {
  [FILES.coop]: CoopSchema,
  [FILES.farmers]: z.array(FarmerSchema),
  [FILES.devices]: z.array(DeviceSchema),
  [FILES.parameterSets]: z.array(ParameterSetSchema),
  [FILES.weatherForecast]: WeatherForecastSchema.nullable(),
  [FILES.yieldHistory]: z.array(YieldHistoryRowSchema),
  [FILES.fertiliserApplications]: z.array(FertiliserApplicationSchema),
  [FILES.models]: z.array(z.record(z.string(), z.unknown())),
  [FILES.scenes]: z.array(SceneSchema),
  [FILES.fields]: z.unknown(),
  [FILES.zones]: z.unknown(),
};
/**
 * NDJSON files checked a line at a time and not kept: the import reads them again and writes them
 * as it goes (a cooperative's prescription versions can run to gigabytes).
 */
export const STREAMED = {
  [FILES.prescriptions]: PrescriptionSchema,
  [FILES.outbox]: OutboxMessageSchema,
  [FILES.inbound]: InboundMessageSchema,
};
type Documents = { -readonly [K in keyof typeof DOCUMENTS]: z.infer<(typeof DOCUMENTS)[K]> };

/** An archive whose every checksum matched and whose every record passed its schema. */
export interface VerifiedExport {
  manifest: Manifest;
  coop: z.infer<typeof CoopSchema>;
  farmers: Documents[typeof FILES.farmers];
  fields: ReturnType<typeof fieldsFromCollections>;
  devices: Documents[typeof FILES.devices];
  parameterSets: Documents[typeof FILES.parameterSets];
  weatherForecast: Documents[typeof FILES.weatherForecast];
  yieldHistory: Documents[typeof FILES.yieldHistory];
  fertiliserApplications: Documents[typeof FILES.fertiliserApplications];
  models: Documents[typeof FILES.models];
  scenes: Documents[typeof FILES.scenes];
  sceneIndices: z.infer<typeof SceneIndicesSchema>[];
  /** Records in each file, as verified (the streamed files' and readings' included). */
  records: Record<string, number>;
}

const invalid = (detail: string, cause?: unknown) =>
  new ShambaError('INVALID_PAYLOAD', detail, cause === undefined ? undefined : { cause });

/**
 * Reads the whole archive once, writing nothing: every file's SHA-256, bytes and record count
 * against the manifest (no file missing, none unlisted), every record against the shared zod
 * schemas (readings included, a line at a time, not kept). `chunks` is read once.
 */
export async function verifyExport(chunks: AsyncIterable<Uint8Array>): Promise<VerifiedExport> {
  const seen = new Map<string, { bytes: number; sha256: string; records: number }>();
  const documents: Record<string, unknown> = {};
  const sceneIndices: z.infer<typeof SceneIndicesSchema>[] = [];
  let manifestText = '';
  let coopId: string | undefined;

  const onFile = (name: string): EntrySink | undefined => {
    if (name === FILES.manifest)
      return textSink(
        (t) => (manifestText += t),
        () => undefined,
      );
    if (seen.has(name)) throw invalid(`${name} is in the archive twice`);
    const counted = { bytes: 0, sha256: '', records: 0 };
    seen.set(name, counted);
    const stream = readingsStreamOf(name);
    let inner: EntrySink;
    if (stream !== undefined) {
      // The cooperative is the archive's (coop.json comes first, so it is known by now).
      const parser = createReadingsParser(
        { path: name, stream, coopId: coopId ?? '' },
        () => counted.records++,
      );
      inner = textSink(parser.push, parser.end);
    } else if (name in STREAMED) {
      const schema = STREAMED[name as keyof typeof STREAMED] as z.ZodType<{ coopId?: unknown }>;
      inner = ndjsonSink(name, schema, (record: { coopId?: unknown }) => {
        if (record.coopId !== coopId) throw invalid(`${name}: a record of another cooperative`);
        counted.records++;
      });
    } else if (name === FILES.sceneIndices) {
      inner = ndjsonSink(name, SceneIndicesSchema, (entry) => {
        sceneIndices.push(entry);
        counted.records++;
      });
    } else if (name in DOCUMENTS) {
      let text = '';
      inner = textSink(
        (t) => (text += t),
        () => {
          const parsed = DOCUMENTS[name as keyof typeof DOCUMENTS].safeParse(JSON.parse(text));
          if (!parsed.success) throw invalid(`${name}: ${z.prettifyError(parsed.error)}`);
          documents[name] = parsed.data;
          if (name === FILES.coop) coopId = (parsed.data as { id: string }).id;
          counted.records = recordsIn(parsed.data);
        },
      );
    } else throw invalid(`${name} is not part of a cooperative's export`);
    const { sink, result } = hashing(inner);
    return {
      data: (chunk) => sink.data(chunk),
      end() {
        sink.end();
        counted.bytes = result.bytes;
        counted.sha256 = result.sha256;
      },
    };
  };
  await walkArchive(chunks, onFile);

  const manifest = ManifestSchema.parse(JSON.parse(manifestText || 'null'));
  for (const file of manifest.files) {
    const got = seen.get(file.path);
    if (got === undefined) throw invalid(`${file.path} is in the manifest but not in the archive`);
    if (got.sha256 !== file.sha256 || got.bytes !== file.bytes)
      throw invalid(`${file.path}: its SHA-256 or size does not match the manifest`);
    if (got.records !== file.records)
      throw invalid(`${file.path}: ${got.records} records, the manifest says ${file.records}`);
    seen.delete(file.path);
  }
  if (seen.size > 0) throw invalid(`not in the manifest: ${[...seen.keys()].join(', ')}`);
  const coop = documents[FILES.coop] as VerifiedExport['coop'] | undefined;
  if (coop === undefined || coop.id !== manifest.coopId)
    throw invalid('coop.json is missing or names another cooperative than the manifest');
  const fields = fieldsFromCollections(documents[FILES.fields], documents[FILES.zones]);
  const verified: VerifiedExport = {
    manifest,
    coop,
    fields,
    farmers: documents[FILES.farmers] as VerifiedExport['farmers'],
    devices: documents[FILES.devices] as VerifiedExport['devices'],
    parameterSets: documents[FILES.parameterSets] as VerifiedExport['parameterSets'],
    weatherForecast: (documents[FILES.weatherForecast] ??
      null) as VerifiedExport['weatherForecast'],
    yieldHistory: documents[FILES.yieldHistory] as VerifiedExport['yieldHistory'],
    fertiliserApplications: documents[
      FILES.fertiliserApplications
    ] as VerifiedExport['fertiliserApplications'],
    models: documents[FILES.models] as VerifiedExport['models'],
    scenes: documents[FILES.scenes] as VerifiedExport['scenes'],
    sceneIndices,
    records: Object.fromEntries(manifest.files.map((f) => [f.path, f.records])),
  };
  for (const [what, list] of [
    ['farmers', verified.farmers],
    ['fields', verified.fields],
    ['devices', verified.devices],
  ] as const)
    if (list.some((item) => item.coopId !== coop.id))
      throw invalid(`${what}: a record of another cooperative than ${coop.id}`);
  return verified;
}

/** A document's records: an array's items, a FeatureCollection's features, else one (or none). */
function recordsIn(document: unknown): number {
  if (Array.isArray(document)) return document.length;
  if (document === null) return 0;
  const features = (document as { features?: unknown }).features;
  return Array.isArray(features) ? features.length : 1;
}
