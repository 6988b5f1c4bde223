import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  createPrescriptionService,
  createSceneRasterService,
  createSceneService,
  createWorkerPool,
  pointInPolygon,
  type PrescriptionService,
  type WorkerPool,
} from '@shamba/analytics';
import { encodeGeoTiff } from '@shamba/raster/testing';
import type { NitrogenPrescription, Polygon, Zone } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { tokenDigest, type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createApp } from '../app.js';
import { followJob } from '../testing/jobs.js';

// A maize plot near Ziway, 20 x 10 pixels of a geographic (EPSG:4326) grid of 0.0001 degrees
// (about 221 m x 110 m, 2.4 ha), its west half paler than its east half on every date: real
// GeoTIFF scenes, registered by the scene service. Positions are in pixels from the grid's
// top-left corner.
const LON0 = 38.7;
const LAT0 = 7.95;
const STEP = 0.0001;
const SIDE = 40;
const lonLat = (col: number, row: number): [number, number] => [
  LON0 + col * STEP,
  LAT0 - row * STEP,
];
const rectangle = (col0: number, row0: number, col1: number, row1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      lonLat(col0, row0),
      lonLat(col1, row0),
      lonLat(col1, row1),
      lonLat(col0, row1),
      lonLat(col0, row0),
    ],
  ],
});
const EAT = 180; // Africa/Addis_Ababa, UTC+3

// Its zones until now ran north and south (as drawn by hand); the scenes say west and east.
const oldZone = (id: string, box: [number, number, number, number]): Zone => ({
  id,
  boundary: rectangle(...box),
  areaHa: 1,
});
const field = fieldFixture({
  areaHa: 2.4,
  boundary: rectangle(10, 10, 30, 20),
  zones: [oldZone('field-1-north', [10, 10, 30, 15]), oldZone('field-1-south', [10, 15, 18, 20])],
});

function writeScene(root: string, day: number): string {
  const jitter = (i: number) => ((i * 31 + day * 13) % 7) * 20;
  // West of column 20 pale (NDVI about 0.35), east of it green (about 0.78).
  const band = (pale: number, green: number) =>
    new Uint16Array(SIDE * SIDE).map((_, i) => (i % SIDE < 20 ? pale : green) + jitter(i));
  const image = { width: SIDE, height: SIDE, originX: LON0, originY: LAT0, resolution: STEP };
  const tiff = (values: Uint16Array) =>
    encodeGeoTiff({ ...image, epsg: 4326, values }, { compression: 'deflate', predictor: true });
  const id = `S${day}`;
  writeFileSync(join(root, `${id}-B04.tif`), tiff(band(1200, 500)));
  writeFileSync(join(root, `${id}-B08.tif`), tiff(band(2500, 4000)));
  const asset = (href: string) => ({ href, 'raster:bands': [{ scale: 1e-4, offset: 0 }] });
  const itemPath = join(root, `${id}.json`);
  writeFileSync(
    itemPath,
    JSON.stringify({
      id,
      properties: { datetime: `2026-08-${String(day).padStart(2, '0')}T08:00:00Z` },
      assets: { B04: asset(`${id}-B04.tif`), B08: asset(`${id}-B08.tif`) },
    }),
  );
  return itemPath;
}

/** A soil probe of the field, in its old zone, with a GNSS fix at (col, row) or none. */
async function probe(
  deps: { registry: Registry; store: TimeSeriesStore },
  probeSpec: { id: string; zoneId: string; at: [number, number] | null },
) {
  await deps.registry.devices.upsert({
    id: probeSpec.id,
    coopId: 'coop-a',
    fieldId: 'field-1',
    zoneId: probeSpec.zoneId,
    kind: 'soil-probe',
    secretHash: 'x',
  });
  if (probeSpec.at === null) return;
  const [lon, lat] = lonLat(...probeSpec.at);
  await deps.store.write([
    {
      deviceId: probeSpec.id,
      stream: 'gnss',
      timeMs: Date.UTC(2026, 7, 10, 6),
      seq: 1,
      values: {
        latitudeDeg: lat,
        longitudeDeg: lon,
        altitudeM: 1640,
        fixQuality: 1,
        satellites: 12,
        hdop: 0.8,
      },
      coopId: 'coop-a',
      fieldId: 'field-1',
      zoneId: probeSpec.zoneId,
      receivedMs: Date.UTC(2026, 7, 10, 6),
    },
  ]);
}

interface Delineation {
  status: string;
  reason: string | null;
  applied: boolean;
  zones: Zone[];
  zoneStats: { zoneId: string; vigourClass: number; meanNdvi: number }[];
  scenesReindexed?: number;
  probes?: { deviceId: string; zoneId: string; how: string; note: string }[];
  prescriptions?: { kind: string; fieldId: string; zones: { zoneId: string }[] }[] | null;
}

describe('POST /v1/fields/{id}/zones/delineate', () => {
  let stores: TempStores;
  let dir: string;
  let registry: Registry;
  let store: TimeSeriesStore;
  let pool: WorkerPool;
  let prescriptions: PrescriptionService;
  let registerScene: (day: number) => Promise<unknown>;

  beforeEach(async () => {
    stores = await openTempStores('shamba-api-zones-');
    ({ dir, registry, store } = stores);
    await registry.tokens.add(
      tokenDigest('agronomist-a'),
      { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'agronomist' },
      { createdMs: 0, expiresMs: null },
    );
    await registry.coops.upsert(coopFixture());
    await registry.devices.upsert(weatherStationFixture());
    await registry.fields.upsert(field);
    const readings = stationReadings(['2026-08-10', '2026-08-11'], {
      coopId: 'coop-a',
      utcOffsetMinutes: EAT,
    });
    await store.write(readings);
    const logger = pino({ level: 'silent' });
    const scenes = createSceneService({ registry, logger, scenesDir: dir });
    registerScene = (day) => scenes.register(writeScene(dir, day), { ownerCoopId: null });
    pool = await createWorkerPool({ size: 0 });
    prescriptions = createPrescriptionService({
      registry,
      store,
      pool,
      logger,
      clock: () => readings.at(-1)!.timeMs,
    });
  });
  afterEach(async () => {
    await prescriptions.close();
    await pool.close();
    await stores.close();
  });

  const delineate = async (
    body: object,
    more: Partial<Parameters<typeof createApp>[0]> = {},
  ): Promise<[number, Delineation]> => {
    const app = createApp({ registry, store, health: async () => ({}), prescriptions, ...more });
    const auth = { authorization: 'Bearer agronomist-a' };
    const accepted = await app.request('/v1/fields/field-1/zones/delineate', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { ...auth, 'content-type': 'application/json' },
    });
    // A job: followed to its end, and answered as the work's own status and result.
    const job = await followJob((path) => app.request(path, { headers: auth }), accepted);
    return job.state === 'succeeded'
      ? [200, job.result as Delineation]
      : [job.error!.status, job.error as unknown as Delineation];
  };

  it('refuses to delineate from fewer than three clear scenes, and says why', async () => {
    await registerScene(1);
    await registerScene(5);
    const [status, body] = await delineate({ apply: true });
    expect([status, body.status, body.applied, body.zones]).toEqual([
      200,
      'too-few-scenes',
      false,
      [],
    ]);
    expect(body.reason).toMatch(/^2 clear scenes of the field; zones need at least 3/);
    expect((await registry.fields.get('field-1'))!.zones).toEqual(field.zones);
  });

  it('applies zones: per-zone indices, probes by GNSS, and prescriptions recomputed at once', async () => {
    for (const day of [1, 5, 9]) await registerScene(day);
    await probe({ registry, store }, { id: 'probe-w', zoneId: 'field-1-north', at: [14, 12] });
    await probe({ registry, store }, { id: 'probe-e', zoneId: 'field-1-north', at: [26, 12] });
    await probe({ registry, store }, { id: 'probe-edge', zoneId: 'field-1-south', at: [30.5, 18] });
    await probe({ registry, store }, { id: 'probe-nofix', zoneId: 'field-1-south', at: null });
    // One probe reading, stamped at ingest with the zone its probe stood in then.
    await store.write([
      {
        deviceId: 'probe-w',
        stream: 'soil',
        timeMs: Date.UTC(2026, 7, 11, 20, 30),
        seq: 2,
        values: { vwc10: 0.2, vwc30: 0.21, vwc60: 0.22 },
        coopId: 'coop-a',
        fieldId: 'field-1',
        zoneId: 'field-1-north',
        receivedMs: Date.UTC(2026, 7, 11, 20, 30),
      },
    ]);
    const before = await prescriptions.runOnce();
    const oldIds = ['field-1-north', 'field-1-south'];
    expect(before.find((p) => p.kind === 'nitrogen')!.zones.map((z) => z.zoneId)).toEqual(oldIds);

    const [status, body] = await delineate({ apply: true });
    expect([status, body.status, body.applied], body.reason ?? '').toEqual([200, 'ok', true]);
    const ids = body.zones.map((z) => z.id);
    expect(ids).toEqual(['field-1-z1', 'field-1-z2']);
    const [west, east] = body.zones as [Zone, Zone];
    expect(pointInPolygon(lonLat(15, 15), west.boundary)).toBe(true);
    expect(pointInPolygon(lonLat(25, 15), east.boundary)).toBe(true);
    expect((await registry.fields.get('field-1'))!.zones).toEqual(body.zones);

    // Every stored scene now has the new zones' indices, the pale west paler.
    expect(body.scenesReindexed).toBe(3);
    for (const entry of await registry.scenes.fieldSeries('field-1')) {
      const zones = entry.indices.zones as Record<
        string,
        { status: string; ndvi: { mean: number } }
      >;
      expect(Object.keys(zones)).toEqual(ids);
      expect(zones['field-1-z1']!.ndvi.mean).toBeLessThan(zones['field-1-z2']!.ndvi.mean - 0.2);
    }

    // Each probe in the zone its fix lies in; the one outside the field and the one without a
    // fix placed in the nearest, and said so.
    expect(body.probes!.map((p) => [p.deviceId, p.zoneId, p.how])).toEqual([
      ['probe-e', 'field-1-z2', 'inside'],
      ['probe-edge', 'field-1-z2', 'nearest'],
      ['probe-nofix', 'field-1-z1', 'no-fix'],
      ['probe-w', 'field-1-z1', 'inside'],
    ]);
    const devices = await registry.devices.list({ fieldId: 'field-1' });
    expect(Object.fromEntries(devices.map((d) => [d.id, d.zoneId]))).toEqual({
      'probe-e': 'field-1-z2',
      'probe-edge': 'field-1-z2',
      'probe-nofix': 'field-1-z1',
      'probe-w': 'field-1-z1',
    });

    // Prescriptions made again at once, for the new zones, the N rate from each zone's NDVI.
    const made = body.prescriptions!;
    expect(made.map((p) => p.kind).sort()).toEqual(['irrigation', 'nitrogen']);
    const nitrogen = (await registry.prescriptions.latest(
      'field-1',
      'nitrogen',
    )) as NitrogenPrescription;
    expect(nitrogen.zones.map((z) => z.zoneId)).toEqual(ids);
    expect(made.find((p) => p.kind === 'nitrogen')!.zones.map((z) => z.zoneId)).toEqual(ids);
    const ndviOf = (zoneId: string) => {
      const zone = nitrogen.zones.find((z) => z.zoneId === zoneId) as { zoneNdvi?: number };
      return zone.zoneNdvi;
    };
    expect(ndviOf('field-1-z1')).toBeCloseTo(body.zoneStats[0]!.meanNdvi, 1);
    expect(ndviOf('field-1-z2')).toBeCloseTo(body.zoneStats[1]!.meanNdvi, 1);
    const irrigation = await registry.prescriptions.latest('field-1', 'irrigation');
    expect(irrigation?.kind === 'irrigation' && irrigation.zones?.map((z) => z.zoneId)).toEqual(
      ids,
    );
    // The probe's reading counts for the zone it stands in now, not the one stamped at ingest.
    const sources = irrigation?.kind === 'irrigation' ? irrigation.zones : [];
    expect(sources?.map((z) => [z.zoneId, z.drSource === 'sensor'])).toEqual([
      ['field-1-z1', true],
      ['field-1-z2', false],
    ]);
  });

  it('answers 200 with the zones stored when the recompute after them fails, and logs it', async () => {
    for (const day of [1, 5, 9]) await registerScene(day);
    type Logged = { msg: string; fieldId: string; err: { message: string } };
    const logged: Logged[] = [];
    const logger = pino(
      { level: 'error' },
      { write: (line: string) => logged.push(JSON.parse(line) as Logged) },
    );
    const failing = {
      recompute: () => Promise.reject(new Error('registry unreachable')),
      markStale: () => undefined,
    };
    const [status, body] = await delineate({ apply: true }, { prescriptions: failing, logger });
    expect([status, body.applied, body.prescriptions, body.scenesReindexed]).toEqual([
      200,
      true,
      null,
      3,
    ]);
    expect((await registry.fields.get('field-1'))!.zones).toEqual(body.zones);
    expect(logged.map((l) => [l.msg, l.fieldId, l.err.message])).toEqual([
      ['recompute after zones failed', 'field-1', 'registry unreachable'],
    ]);
  });

  it("re-indexes only the field's rows: a scene record changed meanwhile is kept", async () => {
    for (const day of [1, 5, 9]) await registerScene(day);
    const rasters = createSceneRasterService();
    // Another writer updates the scenes while the zones are drawn (read before, written after).
    const touched = async () => {
      for (const scene of await registry.scenes.list())
        await registry.scenes.add({ ...scene, cloudCoverPct: 42 }, []);
    };
    const [status, body] = await delineate(
      { apply: true },
      {
        rasters: {
          ...rasters,
          delineateZones: async (...args) => {
            await touched();
            return rasters.delineateZones(...args);
          },
        },
      },
    );
    expect([status, body.applied, body.scenesReindexed]).toEqual([200, true, 3]);
    expect((await registry.scenes.list()).map((s) => s.cloudCoverPct)).toEqual([42, 42, 42]);
    const ids = body.zones.map((z) => z.id);
    for (const entry of await registry.scenes.fieldSeries('field-1'))
      expect(Object.keys(entry.indices.zones ?? {})).toEqual(ids);
  });

  it('only proposes without apply: the field, its scenes and its probes unchanged', async () => {
    for (const day of [1, 5, 9]) await registerScene(day);
    await probe({ registry, store }, { id: 'probe-w', zoneId: 'field-1-north', at: [14, 12] });
    const series = await registry.scenes.fieldSeries('field-1');
    const [status, body] = await delineate({});
    expect([status, body.status, body.applied, body.zones.length]).toEqual([200, 'ok', false, 2]);
    expect(body).not.toHaveProperty('sceneZoneIndices');
    expect((await registry.fields.get('field-1'))!.zones).toEqual(field.zones);
    expect(await registry.scenes.fieldSeries('field-1')).toEqual(series);
    expect((await registry.devices.get('probe-w'))!.zoneId).toBe('field-1-north');
  });

  it('reads its optional body itself: empty takes the defaults, bad options are refused', async () => {
    // Fewer than three scenes: answered without reading a raster, whatever the options.
    const app = createApp({ registry, store, health: async () => ({}) });
    const post = async (body: string | undefined, contentType?: string) => {
      const auth = { authorization: 'Bearer agronomist-a' };
      const response = await app.request('/v1/fields/field-1/zones/delineate', {
        method: 'POST',
        ...(body === undefined ? {} : { body }),
        headers: { ...auth, ...(contentType === undefined ? {} : { 'content-type': contentType }) },
      });
      if (response.status !== 202)
        return [response.status, ((await response.json()) as Record<string, unknown>).status];
      const job = await followJob((path) => app.request(path, { headers: auth }), response);
      return [202, (job.result as Record<string, unknown>).status];
    };
    expect(await post(undefined)).toEqual([202, 'too-few-scenes']);
    expect(await post('', 'application/json')).toEqual([202, 'too-few-scenes']);
    expect(await post('{"apply":false}', 'application/json')).toEqual([202, 'too-few-scenes']);
    expect(await post('{"maxZones":9}', 'application/json')).toEqual([400, 400]);
    expect(await post('{"apply":', 'application/json')).toEqual([400, 400]);
  });
});
