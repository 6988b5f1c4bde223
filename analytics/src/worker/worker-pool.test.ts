import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import proj4 from 'proj4';
import { ShambaError } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { readSceneItem } from '@shamba/raster';
import { encodeGeoTiff } from '@shamba/raster/testing';
import { runTask } from './tasks.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

const field = fieldFixture({
  name: 'Teff',
  crop: 'teff',
  areaHa: 0.5,
  soil: { texture: 'sandy-loam', fieldCapacity: 0.23, wiltingPoint: 0.1 },
  rootDepthM: 0.5,
  irrigationMethod: 'hand',
});
const T = Date.UTC(2026, 8, 1);
const input = {
  field,
  readings: [
    {
      deviceId: 'probe-1',
      stream: 'soil' as const,
      timeMs: T,
      seq: 3,
      values: { vwc10: 0.12, vwc30: 0.14, vwc60: 0.16 },
      coopId: 'coop-a',
      fieldId: 'field-1',
      zoneId: null,
      receivedMs: T,
    },
  ],
  fromMs: T - 1,
  toMs: T + 1,
  createdAtMs: T,
};

describe('analytics worker pool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
  });

  it('loads TF.js in a worker and names its backend', { timeout: 30_000 }, async () => {
    pool = await createWorkerPool({ size: 1 });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(await pool.run('models.backend', null));
  });

  it('gives in a worker thread exactly what the pure function gives in this thread', async () => {
    pool = await createWorkerPool({ size: 2 });
    const expected = await runTask('irrigation.soil-moisture', input);
    expect(expected.action).toBe('irrigate');
    const results = await Promise.all(
      [1, 2, 3].map(() => pool!.run('irrigation.soil-moisture', input)),
    );
    expect(results).toEqual([expected, expected, expected]);
    expect(pool.status()).toMatchObject({ size: 2, alive: 2, pending: 0, completed: 3, failed: 0 });
  });

  it('turns a task that throws into WORKER_FAILED, saying nothing of the error, and keeps serving', async () => {
    const broken = { ...input, field: { ...field, soil: undefined } } as unknown as typeof input;
    const raw = await runTask('irrigation.soil-moisture', broken).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(TypeError);
    for (const size of [1, 0]) {
      pool = await createWorkerPool({ size });
      const error = await pool.run('irrigation.soil-moisture', broken).catch((e: unknown) => e);
      // Not the TypeError's text (a file error's would name a server path): only in `cause`.
      expect([
        error instanceof ShambaError,
        (error as ShambaError).code,
        (error as ShambaError).message,
        ((error as ShambaError).cause as Error).message,
      ]).toEqual([true, 'WORKER_FAILED', 'the analytics task failed', (raw as Error).message]);
      expect((await pool.run('irrigation.soil-moisture', input)).action).toBe('irrigate');
      await pool.close();
    }
    pool = undefined;
  });

  it('runs in the calling thread at size 0', async () => {
    pool = await createWorkerPool({ size: 0 });
    expect(await pool.run('irrigation.soil-moisture', input)).toEqual(
      await runTask('irrigation.soil-moisture', input),
    );
  });

  it('decodes scenes in a worker: a stuck decode is stopped by the watchdog, a bad file keeps its code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-pool-'));
    const W = 3000;
    const values = new Uint16Array(W * W).map((_, i) => 1000 + (i % 3000));
    const utm = {
      width: W,
      height: W,
      values,
      originX: 480_000,
      originY: 880_000,
      resolution: 10,
      epsg: 32637,
    };
    const layout = { tileSize: 256, compression: 'deflate', predictor: true } as const;
    writeFileSync(join(dir, 'B04.tif'), encodeGeoTiff(utm, layout));
    writeFileSync(join(dir, 'B08.tif'), encodeGeoTiff(utm, layout));
    const band = (href: string) => ({ href, 'raster:bands': [{ scale: 1e-4, offset: -0.1 }] });
    writeFileSync(
      join(dir, 'item.json'),
      JSON.stringify({
        id: 'S',
        properties: { datetime: '2026-11-01T08:00:00Z' },
        assets: { B04: band('B04.tif'), B08: band('B08.tif') },
      }),
    );
    // A "field" over the whole tile: far more work than a millisecond allows.
    const toLonLat = proj4('+proj=utm +zone=37 +datum=WGS84 +units=m +no_defs', 'EPSG:4326');
    const corner = (x: number, y: number) => toLonLat.forward<[number, number]>([x, y]);
    const huge = {
      type: 'Polygon' as const,
      coordinates: [
        [
          corner(480_000, 850_000),
          corner(510_000, 850_000),
          corner(510_000, 880_000),
          corner(480_000, 880_000),
          corner(480_000, 850_000),
        ],
      ],
    };
    const small = {
      type: 'Polygon' as const,
      coordinates: [
        [
          corner(490_000, 870_000),
          corner(490_200, 870_000),
          corner(490_200, 870_200),
          corner(490_000, 870_200),
          corner(490_000, 870_000),
        ],
      ],
    };
    pool = await createWorkerPool({ size: 1 });
    const item = await readSceneItem(join(dir, 'item.json'));
    await expect(
      pool.run('scene.indices', { item, fields: [{ id: 'f', boundary: huge }] }, { timeoutMs: 1 }),
    ).rejects.toThrow(/took longer than 1 ms: stopped/);
    // A fresh worker takes the next scene.
    const ok = await pool.run(
      'scene.indices',
      { item, fields: [{ id: 'f', boundary: small }] },
      { timeoutMs: 60_000 },
    );
    expect(ok.perField[0]!.indices.status).toBe('ok');
    // A file that is not a TIFF: refused in the worker with its own code.
    writeFileSync(join(dir, 'B08.tif'), Buffer.from('not a tiff at all, just text'));
    await expect(
      pool.run('scene.indices', { item, fields: [{ id: 'f', boundary: small }] }),
    ).rejects.toMatchObject({ code: 'RASTER_INVALID' });
    expect(pool.status().alive).toBe(1);
  });
});
