import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  createSceneRasterService,
  createSceneService,
  createWorkerPool,
  type WorkerPool,
} from '@shamba/analytics';
import { encodeGeoTiff } from '@shamba/raster/testing';
import { fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest } from '@shamba/storage';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { createApp } from '../app.js';
import { followJob } from '../testing/jobs.js';

// A plot near Ziway on a geographic (EPSG:4326) grid of 0.0001 degrees, its west half paler.
const LON0 = 38.7;
const LAT0 = 7.95;
const STEP = 0.0001;
const SIDE = 60;
const lonLat = (col: number, row: number): [number, number] => [
  LON0 + col * STEP,
  LAT0 - row * STEP,
];
const field = fieldFixture({
  id: 'field-1',
  coopId: 'coop-a',
  areaHa: 4,
  boundary: {
    type: 'Polygon',
    coordinates: [[lonLat(10, 10), lonLat(50, 10), lonLat(50, 30), lonLat(10, 30), lonLat(10, 10)]],
  },
});

/** A scene in its own folder of `root`: S1 on 1 June, earlier ones before it. */
function writeScene(root: string, id = 'S1', datetime = '2026-06-01T08:00:00Z'): string {
  const dir = join(root, id);
  mkdirSync(dir);
  const band = (pale: number, green: number) =>
    new Uint16Array(SIDE * SIDE).map((_, i) => (i % SIDE < 30 ? pale : green) + (i % 7) * 20);
  const image = { width: SIDE, height: SIDE, originX: LON0, originY: LAT0, resolution: STEP };
  const tiff = (values: Uint16Array) =>
    encodeGeoTiff({ ...image, epsg: 4326, values }, { compression: 'deflate', predictor: true });
  writeFileSync(join(dir, 'B04.tif'), tiff(band(1200, 500)));
  writeFileSync(join(dir, 'B08.tif'), tiff(band(2500, 4000)));
  const asset = (href: string) => ({ href, 'raster:bands': [{ scale: 1e-4, offset: 0 }] });
  writeFileSync(
    join(dir, 'item.json'),
    JSON.stringify({
      id,
      properties: { datetime },
      assets: { B04: asset('B04.tif'), B08: asset('B08.tif') },
    }),
  );
  return join(dir, 'item.json');
}

describe('raster routes with a worker pool', () => {
  let stores: TempStores;
  let dir: string;
  let registry: Registry;
  let store: TimeSeriesStore;
  let pool: WorkerPool;
  const auth = { headers: { authorization: 'Bearer agronomist' } };

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-rasters-');
    ({ dir, registry, store } = stores);
    await registry.fields.upsert(field);
    await registry.tokens.add(
      tokenDigest('agronomist'),
      { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'A' },
      { createdMs: 0, expiresMs: null },
    );
    const logger = pino({ level: 'silent' });
    const scenes = createSceneService({ registry, logger, scenesDir: dir });
    // Three clear scenes: zones are delineated from no fewer (issue 15).
    await scenes.register(writeScene(dir, 'S-2', '2026-05-10T08:00:00Z'), { ownerCoopId: null });
    await scenes.register(writeScene(dir, 'S-1', '2026-05-20T08:00:00Z'), { ownerCoopId: null });
    await scenes.register(writeScene(dir), { ownerCoopId: null });
    pool = await createWorkerPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
    await stores.close();
  });

  // Whether /healthz is answered while a large image renders is a race between the two requests'
  // durations, not a deterministic fact: what is asserted is that each image and each delineation
  // is one task the pool's worker completed, and that it answers what this thread answers.
  it('draws images and delineates zones in the pool, answering what the request thread did', async () => {
    const health = async () => ({ ok: { status: 'up' as const } });
    const inThread = createApp({ registry, store, health });
    const inPool = createApp({
      registry,
      store,
      health,
      rasters: createSceneRasterService({ pool }),
    });
    const answers = async (app: typeof inPool) => {
      const png = await app.request('/v1/fields/field-1/ndvi.png', auth);
      const zones = await followJob(
        (path) => app.request(path, auth),
        await app.request('/v1/fields/field-1/zones/delineate', { ...auth, method: 'POST' }),
      );
      return [
        png.status,
        png.headers.get('content-type'),
        png.headers.get('x-scene-id'),
        new Uint8Array(await png.arrayBuffer()),
        zones.state,
        zones.result,
      ];
    };
    const expected = await answers(inThread);
    expect(pool.status().completed).toBe(0);
    expect(await answers(inPool)).toEqual(expected);
    expect(expected.slice(0, 3)).toEqual([200, 'image/png', 'S1']);
    expect((expected[5] as { status: string }).status).toBe('ok');
    expect(pool.status()).toMatchObject({ completed: 2, failed: 0 });
  });
});
