import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createSceneService, type SceneService } from '@shamba/analytics';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { encodeGeoTiff, serveFolder } from '@shamba/raster/testing';
import { tokenDigest, type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createApp } from '../app.js';

// The box's clock, one field, and scenes served over HTTP as GeoTIFFs (red and NIR, 32 x 32
// pixels of 10 m in UTM 37N near Ziway, over the fixture field at x 469139-469249, y 876570-876680).
const NOW = Date.UTC(2026, 10, 20, 8);
const DAY_MS = 86_400_000;
const COOP = 'coop-a';

/** A scene's two bands and its STAC item in `folder`, dated `acquiredMs`. */
function publishScene(folder: string, scene: { id: string; acquiredMs: number }): void {
  mkdirSync(folder, { recursive: true });
  const grid = { width: 32, height: 32, originX: 469_000, originY: 876_800, resolution: 10 };
  const tiff = (dn: number) =>
    encodeGeoTiff(
      { ...grid, epsg: 32637, values: new Uint16Array(32 * 32).fill(dn) },
      { tileSize: 16, compression: 'deflate', predictor: true },
    );
  writeFileSync(join(folder, 'B04.tif'), tiff(500));
  writeFileSync(join(folder, 'B08.tif'), tiff(4000));
  const asset = (href: string) => ({ href, 'raster:bands': [{ scale: 1e-4, offset: 0 }] });
  writeFileSync(
    join(folder, 'item.json'),
    JSON.stringify({
      id: scene.id,
      properties: { datetime: new Date(scene.acquiredMs).toISOString() },
      assets: { B04: asset('B04.tif'), B08: asset('B08.tif') },
    }),
  );
}

describe('POST /v1/scenes: a scene dated in the future', () => {
  let stores: TempStores;
  let dir: string;
  let registry: Registry;
  let store: TimeSeriesStore;
  let scenes: SceneService;

  beforeEach(async () => {
    stores = await openTempStores('shamba-scenes-route-');
    ({ dir, registry, store } = stores);
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.fields.upsert(fieldFixture({ coopId: COOP }));
    await registry.tokens.add(
      tokenDigest('agronomist-a'),
      { role: 'agronomist', coopId: COOP, farmerId: null, name: 'agronomist' },
      { createdMs: 0, expiresMs: null },
    );
    scenes = createSceneService({
      registry,
      logger: pino({ level: 'silent' }),
      scenesDir: join(dir, 'scenes'),
      clock: () => NOW,
      remoteAccess: { allowPrivateAddresses: ['127.0.0.1'] },
    });
  });
  afterEach(async () => {
    await scenes.close();
    await stores.close();
  });

  it('is refused with 422 and the reason, and a scene within the hour is registered', async () => {
    const published = join(dir, 'published');
    publishScene(join(published, 'a'), { id: 'S2-AHEAD', acquiredMs: NOW + 3 * DAY_MS });
    // Half an hour ahead: a box whose clock runs slow, within the tolerance.
    publishScene(join(published, 'b'), { id: 'S2-SLOW', acquiredMs: NOW + 1_800_000 });
    const server = await serveFolder(published);
    try {
      const app = createApp({
        registry,
        store,
        health: async () => ({}),
        clock: () => NOW,
        scenes: {
          register: (itemPath, owner) => scenes.register(itemPath, owner),
          uploadDirFor: (coopId) => scenes.uploadDirFor(coopId),
          maxUploadBytes: 2 ** 20,
        },
      });
      const post = (itemUrl: string) =>
        app.request('/v1/scenes', {
          method: 'POST',
          headers: { authorization: 'Bearer agronomist-a', 'content-type': 'application/json' },
          body: JSON.stringify({ itemUrl }),
        });

      const ahead = await post(`${server.url}/a/item.json`);
      expect(ahead.status).toBe(422);
      expect(await ahead.json()).toEqual({
        error: {
          code: 'RASTER_INVALID',
          message:
            "scene S2-AHEAD is dated 2026-11-23T08:00:00.000Z, in the future of this box's clock " +
            '(2026-11-20T08:00:00.000Z; at most 1 h ahead is accepted)',
        },
      });
      const slow = await post(`${server.url}/b/item.json`);
      expect(slow.status, await slow.clone().text()).toBe(201);
      expect((await registry.scenes.list()).map((s) => s.id)).toEqual(['S2-SLOW']);
    } finally {
      await server.close();
    }
  });

  it("is never the cooperative's latest NDVI image, when a row stored before such scenes were refused has one", async () => {
    const published = join(dir, 'published');
    publishScene(join(published, 'a'), { id: 'S2-TAKEN', acquiredMs: NOW });
    const server = await serveFolder(published);
    try {
      const taken = await scenes.register(`${server.url}/a/item.json`, { ownerCoopId: COOP });
      expect(taken.outcome).toBe('processed');
      // A row as an older box stored it: three days past the clock of the box serving it now.
      const [stored] = await registry.scenes.list();
      await registry.scenes.add(
        { ...stored!, id: 'S2-LEGACY-AHEAD', acquiredMs: Date.now() + 3 * DAY_MS },
        [],
      );
      const app = createApp({
        registry,
        store,
        health: async () => ({}),
        remoteAccess: { allowPrivateAddresses: ['127.0.0.1'] },
        scenes: {
          register: (itemPath, owner) => scenes.register(itemPath, owner),
          uploadDirFor: (coopId) => scenes.uploadDirFor(coopId),
          maxUploadBytes: 2 ** 20,
        },
      });
      const image = await app.request(`/v1/coops/${COOP}/ndvi.png?scene=latest`, {
        headers: { authorization: 'Bearer agronomist-a' },
      });
      expect(image.status, await image.clone().text()).toBe(200);
      expect(image.headers.get('x-scene-id')).toBe('S2-TAKEN');
    } finally {
      await server.close();
    }
  });
});
