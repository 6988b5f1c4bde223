import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldFixture } from '@shamba/schemas/testing';
import {
  readSceneBands,
  readSceneItem,
  renderFieldNdviPng,
  renderNdviPng,
  type SceneItem,
} from '@shamba/raster';
import { encodeGeoTiff } from '@shamba/raster/testing';
import { H, ORIGIN, rectangle, W, X0, Y0 } from '../testing/utm-plot.js';
import { delineateZones } from '../zones/delineate-zones.js';
import { createWorkerPool, type WorkerPool } from '../worker/worker-pool.js';
import { createSceneRasterService, type StoredScene } from './scene-raster-service.js';

// A 200 m x 100 m plot near Ziway on the 10 m grid of UTM 37N, its west half paler than its
// east half, seen on three dates with a little noise: real GeoTIFFs in a scene folder each.
const field = fieldFixture({ areaHa: 2, boundary: rectangle(X0, Y0, X0 + 200, Y0 + 100) });
const neighbour = fieldFixture({
  id: 'field-2',
  areaHa: 0.5,
  boundary: rectangle(X0 - 80, Y0 + 120, X0, Y0 + 180),
});

/** A band's digital numbers (reflectance x 10^4) over the grid. */
function band(reflectance: (x: number, y: number) => number): Uint16Array {
  const values = new Uint16Array(W * H);
  for (let row = 0; row < H; row++)
    for (let col = 0; col < W; col++)
      values[row * W + col] = Math.round(
        1e4 * reflectance(ORIGIN.x + (col + 0.5) * 10, ORIGIN.y - (row + 0.5) * 10),
      );
  return values;
}

/** A scene's two bands and its STAC item, in `root`; the item's path. */
function writeScene(root: string, date: number): string {
  const pale = (x: number) => x < X0 + 100;
  const jitter = (x: number, y: number) =>
    ((Math.floor(x) * 31 + Math.floor(y) * 17 + date * 13) % 7) * 0.002;
  const grid = { width: W, height: H, originX: ORIGIN.x, originY: ORIGIN.y, resolution: 10 };
  const layout = { tileSize: 16, compression: 'deflate', predictor: true } as const;
  const tiff = (values: Uint16Array) => encodeGeoTiff({ ...grid, epsg: 32637, values }, layout);
  writeFileSync(
    join(root, `S${date}-B04.tif`),
    tiff(band((x, y) => (pale(x) ? 0.12 : 0.05) + jitter(x, y))),
  );
  writeFileSync(
    join(root, `S${date}-B08.tif`),
    tiff(band((x, y) => (pale(x) ? 0.25 : 0.4) - jitter(y, x))),
  );
  const asset = (href: string) => ({ href, 'raster:bands': [{ scale: 1e-4, offset: 0 }] });
  const itemPath = join(root, `S${date}.json`);
  writeFileSync(
    itemPath,
    JSON.stringify({
      id: `S${date}`,
      properties: { datetime: `2026-0${date}-01T08:00:00Z` },
      assets: { B04: asset(`S${date}-B04.tif`), B08: asset(`S${date}-B08.tif`) },
    }),
  );
  return itemPath;
}

describe('the scene raster service', () => {
  let root: string;
  let scenes: StoredScene[];
  let items: SceneItem[];
  let pool: WorkerPool;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shamba-rasters-'));
    scenes = [1, 2, 3].map((d) => ({ id: `S${d}`, itemPath: writeScene(root, d) }));
    items = await Promise.all(scenes.map((s) => readSceneItem(s.itemPath)));
    pool = await createWorkerPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('draws the same field and cooperative PNGs in a worker as the direct render', async () => {
    const rasters = createSceneRasterService({ pool });
    const bands = await readSceneBands(items[0]!, [field.boundary]);
    const expected = new Uint8Array(renderFieldNdviPng(bands, field.boundary));
    const png = await rasters.fieldNdviPng(scenes[0]!, field);
    // A PNG signature (ISO/IEC 15948 §5.2), and the very bytes drawn in this thread.
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png).toEqual(expected);

    const both = [field.boundary, neighbour.boundary];
    // The files have no overviews: the cooperative's window is read at full resolution.
    const coopBands = await readSceneBands(items[0]!, both);
    const coop = await rasters.coopNdviPng(scenes[0]!, [field, neighbour]);
    expect(coop).toEqual(new Uint8Array(renderNdviPng(coopBands, both)));
    expect(coop).not.toEqual(png);
    expect(pool.status()).toMatchObject({ completed: 2, failed: 0 });
  });

  it('delineates the same zones in a worker as the direct call, and so does pool size 0', async () => {
    const expected = delineateZones({
      field,
      scenes: await Promise.all(
        items.map(async (item) => ({
          sceneId: item.id,
          bands: await readSceneBands(item, [field.boundary]),
        })),
      ),
      maxZones: 5,
    });
    expect(expected.status).toBe('ok');
    expect(expected.zones.map((z) => z.name)).toEqual([
      'zone 1 (low vigour)',
      'zone 2 (high vigour)',
    ]);
    const completed = pool.status().completed;
    // With each new zone's indices in each scene, for applying them (issue 15).
    const { sceneZoneIndices, ...inPool } = await createSceneRasterService({
      pool,
    }).delineateZones(field, scenes, 5);
    expect(inPool).toEqual(expected);
    expect(sceneZoneIndices.map((z) => Object.keys(z ?? {}))).toEqual(
      scenes.map(() => expected.zones.map((z) => z.id)),
    );
    expect(pool.status().completed).toBe(completed + 1);
    await using inThread = await createWorkerPool({ size: 0 });
    expect(
      await createSceneRasterService({ pool: inThread }).delineateZones(field, scenes, 5),
    ).toEqual({ ...expected, sceneZoneIndices });
  });

  it('keeps a raster error its code through the worker', async () => {
    const rasters = createSceneRasterService({ pool });
    writeFileSync(join(root, 'S3-B08.tif'), 'not a tiff at all, just text');
    await expect(rasters.fieldNdviPng(scenes[2]!, field)).rejects.toMatchObject({
      code: 'RASTER_INVALID',
    });
  });
});
