import { ShambaError, type StoredReading } from '@shamba/schemas';
import { newDeviceSecret, type Registry, type TimeSeriesStore } from '@shamba/storage';
import { FILES, readingsStreamOf } from './archive-layout.js';
import { textSink, walkArchive, type EntrySink } from './archive-reader.js';
import { ndjsonSink } from './ndjson-lines.js';
import { createReadingsParser } from './readings-csv.js';
import { STREAMED, verifyExport, type VerifiedExport } from './verify-export.js';

export interface CoopImportOptions {
  registry: Registry;
  store: TimeSeriesStore;
  /** The archive's bytes, from the start, each time it is called (it is read twice). */
  archive: () => AsyncIterable<Uint8Array>;
  /** Readings per write (default 5,000, InfluxDB's recommended batch). */
  batchSize?: number;
}

export interface CoopImportResult {
  coopId: string;
  /** Each device's new secret, shown once: the archive holds none (devices reconnect with these). */
  deviceSecrets: { deviceId: string; secret: string }[];
  counts: Record<string, number>;
  /** What the archive holds that was not imported (model weights are not in it). */
  notes: string[];
}

/**
 * Imports a cooperative's export into a box that does not have it. The archive is first read
 * whole and verified (verifyExport: checksums, record counts, schemas) with nothing written;
 * then the registry's objects are written, and the readings streamed from a second read of the
 * archive, a batch at a time. A cooperative, farmer, field or device id already present refuses
 * the import (CONFLICT) before anything is written. Devices come back with a new secret each.
 */
export async function importCoop(options: CoopImportOptions): Promise<CoopImportResult> {
  const { registry } = options;
  const data = await verifyExport(options.archive());
  await refuseTaken(registry, data);
  const coopId = data.coop.id;
  await registry.coops.upsert(data.coop);
  for (const farmer of data.farmers) await registry.farmers.upsert(farmer);
  for (const field of data.fields) await registry.fields.upsert(field);
  const deviceSecrets = [];
  for (const device of data.devices) {
    const { secret, secretHash } = newDeviceSecret();
    await registry.devices.upsert({ ...device, secretHash });
    deviceSecrets.push({ deviceId: device.id, secret });
  }
  // Oldest first, so the versions are numbered 1, 2, ... again, with their authors and times.
  for (const set of [...data.parameterSets].sort((a, b) => a.version - b.version))
    await registry.parameterSets.add(
      coopId,
      { note: set.note, crops: set.crops },
      { author: set.author, atMs: set.createdAtMs },
    );
  if (data.weatherForecast !== null)
    await registry.weatherForecasts.put(coopId, data.weatherForecast);
  if (data.yieldHistory.length > 0) await registry.yieldHistory.put(coopId, data.yieldHistory);
  for (const { id: _renumbered, ...application } of data.fertiliserApplications)
    await registry.fertiliserApplications.add(application);
  for (const scene of data.scenes)
    await registry.scenes.add(
      scene,
      data.sceneIndices.filter(
        (i) => i.sceneId === scene.id && i.ownerCoopId === scene.ownerCoopId,
      ),
    );
  const streamed = await importStreamed(options, coopId);
  return {
    coopId,
    deviceSecrets,
    counts: {
      farmers: data.farmers.length,
      fields: data.fields.length,
      devices: data.devices.length,
      prescriptions: streamed.prescriptions,
      messages: streamed.messages,
      readings: streamed.readings,
    },
    notes: [
      ...data.manifest.notes,
      ...(data.models.length === 0
        ? []
        : [`${data.models.length} model versions are described in models.json, not imported`]),
    ],
  };
}

async function refuseTaken(registry: Registry, data: VerifiedExport): Promise<void> {
  const taken = [
    (await registry.coops.get(data.coop.id)) && `cooperative ${data.coop.id}`,
    ...(await Promise.all(
      data.farmers.map(async (f) => (await registry.farmers.get(f.id)) && `farmer ${f.id}`),
    )),
    ...(await Promise.all(
      data.fields.map(async (f) => (await registry.fields.get(f.id)) && `field ${f.id}`),
    )),
    ...(await Promise.all(
      data.devices.map(async (d) => (await registry.devices.get(d.id)) && `device ${d.id}`),
    )),
  ].filter((t): t is string => typeof t === 'string');
  if (taken.length > 0)
    throw new ShambaError(
      'CONFLICT',
      `this box already has ${taken.slice(0, 5).join(', ')}${taken.length > 5 ? ', ...' : ''}: import into an empty box`,
    );
}

/**
 * The second read: prescriptions (oldest first, as exported), messages and readings, parsed again
 * and written as they come: a chunk's records are written before the next chunk is read, and
 * readings a batch at a time.
 */
async function importStreamed(options: CoopImportOptions, coopId: string) {
  const { registry, store } = options;
  const batchSize = options.batchSize ?? 5000;
  const counts = { prescriptions: 0, messages: 0, readings: 0 };
  let batch: StoredReading[] = [];
  let pending: (() => Promise<unknown>)[] = [];
  const onReading = (reading: StoredReading) => {
    batch.push(reading);
    counts.readings++;
    if (batch.length >= batchSize) {
      const readings = batch;
      batch = [];
      pending.push(() => store.write(readings));
    }
  };
  const flush = async () => {
    const writes = pending;
    pending = [];
    for (const write of writes) await write();
  };
  const sinks: Record<string, () => EntrySink> = {
    [FILES.prescriptions]: () =>
      ndjsonSink(FILES.prescriptions, STREAMED[FILES.prescriptions], (p) => {
        counts.prescriptions++;
        pending.push(() => registry.prescriptions.add(p));
      }),
    [FILES.outbox]: () =>
      ndjsonSink(FILES.outbox, STREAMED[FILES.outbox], (m) => {
        counts.messages++;
        pending.push(() => registry.messages.enqueue(m));
      }),
    [FILES.inbound]: () =>
      ndjsonSink(FILES.inbound, STREAMED[FILES.inbound], (m) => {
        counts.messages++;
        pending.push(() => registry.inbound.add(m));
      }),
  };
  await walkArchive(
    options.archive(),
    (name) => {
      const stream = readingsStreamOf(name);
      if (stream === undefined) return sinks[name]?.();
      const parser = createReadingsParser({ path: name, stream, coopId }, onReading);
      return textSink(parser.push, parser.end);
    },
    flush,
  );
  if (batch.length > 0) pending.push(() => store.write(batch));
  await flush();
  return counts;
}
