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
import { jobAnswer } from '../testing/jobs.js';

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
      const auth = { authorization: 'Bearer agronomist-a' };
      // A registration is a job: followed to its end.
      const post = async (itemUrl: string) =>
        jobAnswer(
          (path) => app.request(path, { headers: auth }),
          await app.request('/v1/scenes', {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ itemUrl }),
          }),
        );

      expect(await post(`${server.url}/a/item.json`)).toEqual([
        422,
        {
          status: 422,
          code: 'RASTER_INVALID',
          detail:
            "scene S2-AHEAD is dated 2026-11-23T08:00:00.000Z, in the future of this box's clock " +
            '(2026-11-20T08:00:00.000Z; at most 1 h ahead is accepted)',
        },
      ]);
      const [slow, registered] = await post(`${server.url}/b/item.json`);
      expect([slow, (registered as { outcome: string }).outcome]).toEqual([
        'succeeded',
        'processed',
      ]);
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
      // The same image again, asked with its ETag: 304 with no body; an old tag: the image.
      const etag = image.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const again = await app.request(`/v1/coops/${COOP}/ndvi.png?scene=latest`, {
        headers: { authorization: 'Bearer agronomist-a', 'if-none-match': etag },
      });
      expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([
        304,
        etag,
        '',
      ]);
      const stale = await app.request(`/v1/coops/${COOP}/ndvi.png?scene=latest`, {
        headers: { authorization: 'Bearer agronomist-a', 'if-none-match': '"old"' },
      });
      expect([
        stale.status,
        Buffer.from(await stale.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ]).toEqual([200, 'PNG']);
    } finally {
      await server.close();
    }
  });
});

describe('GET /v1/scenes and /v1/scenes/quarantine: pages', () => {
  let stores: TempStores;

  beforeEach(async () => {
    stores = await openTempStores('shamba-scenes-pages-');
    const { registry } = stores;
    await registry.coops.upsert(coopFixture({ id: COOP }));
    await registry.tokens.add(
      tokenDigest('manager-a'),
      { role: 'manager', coopId: COOP, farmerId: null, name: 'manager' },
      { createdMs: 0, expiresMs: null },
    );
    // Three scenes the cooperative may use (two its own, one shared) and one of another's.
    for (const [id, ownerCoopId, day] of [
      ['S2-1', COOP, 1],
      ['S2-2', null, 2],
      ['S2-3', COOP, 3],
      ['S2-B', 'coop-b', 2],
    ] as const)
      await registry.scenes.add(
        {
          id,
          ownerCoopId,
          acquiredMs: NOW - (10 - day) * DAY_MS,
          itemPath: `/scenes/${id}/item.json`,
          cloudCoverPct: 5,
          processedMs: NOW,
        },
        [],
      );
    for (const [name, ownerCoopId, minutes] of [
      ['q1.json', COOP, 1],
      ['q2.json', null, 2],
      ['q3.json', COOP, 3],
      ['qb.json', 'coop-b', 4],
    ] as const)
      await registry.scenes.quarantine({
        path: `/scenes/.quarantine/${name}`,
        name,
        ownerCoopId,
        code: 'RASTER_INVALID',
        reason: 'not a GeoTIFF',
        atMs: NOW + minutes * 60_000,
      });
  });
  afterEach(async () => {
    await stores.close();
  });

  it("walks two pages of each, oldest scenes and newest quarantined first, never another cooperative's", async () => {
    const app = createApp({
      registry: stores.registry,
      store: stores.store,
      health: async () => ({}),
      scenes: {
        register: () => Promise.reject(new Error('unused')),
        uploadDirFor: () => '',
        maxUploadBytes: 0,
      },
    });
    const get = async (path: string) => {
      const response = await app.request(path, { headers: { authorization: 'Bearer manager-a' } });
      return [response.status, await response.json()] as const;
    };
    const [, scenes1] = await get('/v1/scenes?limit=2');
    const { scenes, next } = scenes1 as {
      scenes: { id: string; ownerCoopId: string | null }[];
      next: string;
    };
    expect(scenes.map((s) => [s.id, s.ownerCoopId])).toEqual([
      ['S2-1', COOP],
      ['S2-2', null],
    ]);
    expect(await get(`/v1/scenes?limit=2&cursor=${next}`)).toEqual([
      200,
      {
        scenes: [
          {
            id: 'S2-3',
            ownerCoopId: COOP,
            acquired: new Date(NOW - 7 * DAY_MS).toISOString(),
            cloudCoverPct: 5,
            processed: new Date(NOW).toISOString(),
          },
        ],
        next: null,
      },
    ]);
    // The upload is declared multipart (the route streams it itself; the framework leaves it).
    const document = (await (await app.request('/v1/openapi.json')).json()) as {
      paths: Record<string, { post?: { requestBody?: { content: object } } }>;
    };
    expect(Object.keys(document.paths['/v1/scenes/upload']!.post!.requestBody!.content)).toEqual([
      'multipart/form-data',
    ]);
    const [, quarantine1] = await get('/v1/scenes/quarantine?limit=2');
    const q = quarantine1 as { quarantined: { name: string }[]; next: string };
    expect(q.quarantined.map((e) => e.name)).toEqual(['q3.json', 'q2.json']);
    expect(await get(`/v1/scenes/quarantine?limit=2&cursor=${q.next}`)).toEqual([
      200,
      {
        quarantined: [
          {
            name: 'q1.json',
            ownerCoopId: COOP,
            code: 'RASTER_INVALID',
            reason: 'not a GeoTIFF',
            at: new Date(NOW + 60_000).toISOString(),
          },
        ],
        next: null,
      },
    ]);
  });
});
