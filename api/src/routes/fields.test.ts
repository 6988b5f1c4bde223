import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createSceneService } from '@shamba/analytics';
import { encodeGeoTiff } from '@shamba/raster/testing';
import type { StoredReading, UpStream } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest, type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createApp } from '../app.js';
import { cursorOf } from '../http/pagination.js';
import { problem } from '../testing/problem.js';

// A plot near Ziway on a geographic (EPSG:4326) grid of 0.0001 degrees, its west half paler.
const LON0 = 38.7;
const LAT0 = 7.95;
const STEP = 0.0001;
const SIDE = 40;
const lonLat = (col: number, row: number): [number, number] => [
  LON0 + col * STEP,
  LAT0 - row * STEP,
];
const boundary = {
  type: 'Polygon' as const,
  coordinates: [[lonLat(10, 10), lonLat(30, 10), lonLat(30, 20), lonLat(10, 20), lonLat(10, 10)]],
};

/** One clear scene (red and near-infrared bands) of the plot in its own folder of `root`. */
function writeScene(root: string): string {
  const dir = join(root, 'S1');
  mkdirSync(dir);
  const band = (pale: number, green: number) =>
    new Uint16Array(SIDE * SIDE).map((_, i) => (i % SIDE < 20 ? pale : green) + (i % 7) * 20);
  const image = { width: SIDE, height: SIDE, originX: LON0, originY: LAT0, resolution: STEP };
  const tiff = (values: Uint16Array) =>
    encodeGeoTiff({ ...image, epsg: 4326, values }, { compression: 'deflate', predictor: true });
  writeFileSync(join(dir, 'B04.tif'), tiff(band(1200, 500)));
  writeFileSync(join(dir, 'B08.tif'), tiff(band(2500, 4000)));
  const asset = (href: string) => ({ href, 'raster:bands': [{ scale: 1e-4, offset: 0 }] });
  writeFileSync(
    join(dir, 'item.json'),
    JSON.stringify({
      id: 'S1',
      properties: { datetime: '2026-08-01T08:00:00Z' },
      assets: { B04: asset('B04.tif'), B08: asset('B08.tif') },
    }),
  );
  return join(dir, 'item.json');
}

const T0 = Date.parse('2026-08-10T06:00:00Z');
const MIN15 = 900_000;

/**
 * Readings of field-1 that share milliseconds: three devices, two of them with two streams, all
 * at the same quarter-hours (as synchronised probes sample), so page boundaries fall inside a
 * millisecond; and one of field-2, which never shows.
 */
function readings(): StoredReading[] {
  const one = (deviceId: string, stream: UpStream, timeMs: number, seq: number): StoredReading => ({
    deviceId,
    stream,
    timeMs,
    seq,
    values: { vwc10: 0.2 + seq / 1000 },
    coopId: 'coop-a',
    fieldId: 'field-1',
    zoneId: null,
    receivedMs: timeMs + 1000,
  });
  const all: StoredReading[] = [];
  for (let i = 0; i < 4; i++) {
    const t = T0 + i * MIN15;
    all.push(
      one('probe-a', 'soil', t, i),
      one('probe-a', 'status', t, i),
      one('probe-b', 'soil', t, i),
      one('station', 'weather', t, i),
      one('station', 'status', t, i),
    );
  }
  all.push({ ...one('probe-z', 'soil', T0, 0), fieldId: 'field-2' });
  return all;
}

/** The API's form of a reading. */
const view = (r: StoredReading) => ({
  deviceId: r.deviceId,
  stream: r.stream,
  time: new Date(r.timeMs).toISOString(),
  seq: r.seq,
  zoneId: r.zoneId,
  values: r.values,
});

describe('GET /v1/fields, /v1/fields/{id}/readings and /ndvi.png', () => {
  let stores: TempStores;
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-fields-');
    ({ registry, store } = stores);
    for (const id of ['field-1', 'field-2', 'field-3'])
      await registry.fields.upsert(fieldFixture({ id, areaHa: 2, boundary }));
    await registry.fields.upsert(fieldFixture({ id: 'field-b', coopId: 'coop-b', boundary }));
    await registry.tokens.add(
      tokenDigest('manager-a'),
      { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'A' },
      { createdMs: 0, expiresMs: null },
    );
    await store.write(readings());
    const scenes = createSceneService({
      registry,
      logger: pino({ level: 'silent' }),
      scenesDir: stores.dir,
    });
    await scenes.register(writeScene(stores.dir), { ownerCoopId: null });
    app = createApp({ registry, store, health: async () => ({}) });
  });
  afterAll(async () => {
    await stores.close();
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await app.request(path, {
      headers: { authorization: 'Bearer manager-a', ...headers },
    });
    return response;
  };
  const body = async (path: string) => {
    const response = await get(path);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('pages the fields by id, two to a page', async () => {
    const first = await body('/v1/fields?limit=2');
    expect(first).toEqual({
      status: 200,
      body: {
        fields: [
          fieldFixture({ id: 'field-1', areaHa: 2, boundary }),
          fieldFixture({ id: 'field-2', areaHa: 2, boundary }),
        ],
        next: cursorOf(['field-2']),
      },
    });
    const second = await body(`/v1/fields?limit=2&cursor=${first.body.next as string}`);
    expect(second).toEqual({
      status: 200,
      body: { fields: [fieldFixture({ id: 'field-3', areaHa: 2, boundary })], next: null },
    });
  });

  const window = `from=${T0}&to=${T0 + 4 * MIN15}`;
  // Newest first, then by device and stream, descending: the order of the store's key.
  const expected = readings()
    .filter((r) => r.fieldId === 'field-1')
    .sort(
      (a, b) =>
        b.timeMs - a.timeMs ||
        b.deviceId.localeCompare(a.deviceId) ||
        b.stream.localeCompare(a.stream),
    )
    .map(view);

  it('walks the readings in pages whose boundaries fall inside a millisecond', async () => {
    // 20 readings, 5 to a millisecond, in pages of 3: every boundary but one splits a millisecond.
    const pages: unknown[][] = [];
    let next: string | null = null;
    do {
      const cursor: string = next === null ? '' : `&cursor=${next}`;
      const page = await body(`/v1/fields/field-1/readings?${window}&limit=3${cursor}`);
      expect(page.status).toBe(200);
      pages.push(page.body.readings as unknown[]);
      next = page.body.next as string | null;
    } while (next !== null && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(pages.flat()).toEqual(expected);
  });

  it('answers a page whole: the window, the readings and the next cursor', async () => {
    const first = await body(`/v1/fields/field-1/readings?${window}&limit=5`);
    expect(first).toEqual({
      status: 200,
      body: {
        fieldId: 'field-1',
        from: new Date(T0).toISOString(),
        to: new Date(T0 + 4 * MIN15).toISOString(),
        readings: expected.slice(0, 5),
        next: cursorOf([T0 + 3 * MIN15, 'probe-a', 'soil']),
      },
    });
    const second = await body(
      `/v1/fields/field-1/readings?${window}&limit=15&cursor=${first.body.next as string}`,
    );
    expect([second.body.readings, second.body.next]).toEqual([expected.slice(5), null]);
    const soil = await body(`/v1/fields/field-1/readings?${window}&stream=soil`);
    expect(soil.body.readings).toEqual(expected.filter((r) => r.stream === 'soil'));
  });

  it('refuses a cursor it did not give and a page past the maximum', async () => {
    const bad = await body(`/v1/fields/field-1/readings?${window}&cursor=${cursorOf(['x'])}`);
    expect(bad).toEqual({
      status: 400,
      body: problem('INVALID_REQUEST', 'cursor: not a cursor this API gave'),
    });
    expect((await body(`/v1/fields/field-1/readings?${window}&limit=10001`)).status).toBe(400);
    expect((await body(`/v1/fields/field-b/readings?${window}`)).body).toEqual(
      problem('NOT_FOUND', 'no field field-b'),
    );
  });

  it('gives the NDVI image an ETag, and 304 to a client that holds it', async () => {
    const first = await get('/v1/fields/field-1/ndvi.png');
    expect([
      first.status,
      first.headers.get('content-type'),
      first.headers.get('x-scene-id'),
    ]).toEqual([200, 'image/png', 'S1']);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{43}"$/);
    const again = await get('/v1/fields/field-1/ndvi.png', { 'if-none-match': etag });
    expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([304, etag, '']);
    const stale = await get('/v1/fields/field-1/ndvi.png', { 'if-none-match': '"old"' });
    expect(stale.status).toBe(200);
  });

  it('declares the readings page in the OpenAPI document', async () => {
    const document = (await (await app.request('/v1/openapi.json')).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
    };
    const parameters = document.paths['/v1/fields/{fieldId}/readings']?.get?.parameters ?? [];
    expect(parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:fieldId',
      'query:cursor',
      'query:from',
      'query:limit',
      'query:stream',
      'query:to',
    ]);
  });
});
