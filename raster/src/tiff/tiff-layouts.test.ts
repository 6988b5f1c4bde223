import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBand, readSceneItem } from '../scenes/scene-reader.js';
import { encodeGeoTiff, type GeoTiffLayout } from '../testing/tiff-writer.js';

// One 300 x 200 uint16 raster written in every layout the reader must handle; each must decode
// to the very same pixels, whole and through a window, and the window must cross tile edges.
const W = 300;
const H = 200;
const values = new Uint16Array(W * H);
for (let y = 0; y < H; y++)
  for (let x = 0; x < W; x++) values[y * W + x] = 1000 + ((x * 37 + y * 101) % 5000);
const image = {
  width: W,
  height: H,
  values,
  originX: 500_000,
  originY: 9_000_000,
  resolution: 10,
  epsg: 32737,
};
const LAYOUTS: Record<string, GeoTiffLayout> = {
  'stripped, none': { compression: 'none', predictor: false },
  'stripped, DEFLATE': { compression: 'deflate', predictor: false, rowsPerStrip: 8 },
  'stripped, DEFLATE + predictor': { compression: 'deflate', predictor: true },
  'tiled 64, none': { tileSize: 64, compression: 'none', predictor: false },
  'tiled 64, DEFLATE': { tileSize: 64, compression: 'deflate', predictor: false },
  'tiled 128, DEFLATE + predictor': { tileSize: 128, compression: 'deflate', predictor: true },
  'stripped, LZW': { compression: 'lzw', predictor: false },
  // One 120 kB strip: the LZW table fills and clears many times over.
  'one strip, LZW': { compression: 'lzw', predictor: false, rowsPerStrip: 200 },
  'tiled 64, LZW + predictor': { tileSize: 64, compression: 'lzw', predictor: true },
};
const dir = mkdtempSync(join(tmpdir(), 'shamba-tiff-'));
const write = (name: string, bytes: Buffer) => {
  const path = join(dir, `${name.replaceAll(/\W+/g, '-')}.tif`);
  writeFileSync(path, bytes);
  return { path, scale: 1e-4, offset: -0.1, nodata: 0 };
};

describe('GeoTIFF layouts (UTM south, EPSG:32737)', () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    it(`reads ${name} pixel for pixel`, async () => {
      const file = write(name, encodeGeoTiff(image, layout));
      const whole = await readBand('B04', file);
      expect([whole.width, whole.height, whole.epsg, whole.originX, whole.originY]).toEqual([
        W,
        H,
        32737,
        500_000,
        9_000_000,
      ]);
      expect(Array.from(whole.values)).toEqual(Array.from(values));
      // A window across tile edges (64 and 128 in both directions).
      const window = await readBand('B04', file, {
        window: [500_000 + 600, 9_000_000 - 1500, 500_000 + 1400, 9_000_000 - 550],
      });
      expect([window.width, window.height, window.originX, window.originY]).toEqual([
        80, 95, 500_600, 8_999_450,
      ]);
      for (const [col, row] of [
        [0, 0],
        [79, 94],
        [4, 9],
        [68, 73],
      ] as const)
        expect(window.values[row * 80 + col]).toBe(values[(55 + row) * W + 60 + col]);
    });
  }

  it('refuses a DEFLATE tile that inflates far past its declared size (zip bomb)', async () => {
    const honest = encodeGeoTiff(image, { tileSize: 64, compression: 'deflate', predictor: false });
    // The first tile's bytes replaced by 64 MiB of zeros, deflated to about 64 KiB; the file
    // is rebuilt with that tile at the end and its offset and count patched.
    const bomb = deflateSync(Buffer.alloc(64 * 2 ** 20));
    const file = Buffer.concat([honest, bomb]);
    const ifdCount = file.readUInt16LE(8);
    for (let i = 0; i < ifdCount; i++) {
      const entry = 10 + i * 12;
      const tag = file.readUInt16LE(entry);
      const at = file.readUInt32LE(entry + 8);
      if (tag === 324) file.writeUInt32LE(honest.length, at); // TileOffsets[0]
      if (tag === 325) file.writeUInt32LE(bomb.length, at); // TileByteCounts[0]
    }
    await expect(readBand('B04', write('bomb', file))).rejects.toMatchObject({
      code: 'RASTER_INVALID',
    });
  });

  it('reads each band of a multi-band file by the name its STAC item gives it (eo:bands)', async () => {
    const nir = values.map((v) => v + 2000);
    const swir = values.map((v) => 9000 - v);
    const layout = { tileSize: 64, compression: 'deflate', predictor: true } as const;
    writeFileSync(
      join(dir, 'stack.tif'),
      encodeGeoTiff({ ...image, values: [values, nir, swir] }, layout),
    );
    const asset = {
      href: './stack.tif',
      'eo:bands': [{ name: 'B04' }, { name: 'B08' }, { name: 'B11' }],
      'raster:bands': [
        { scale: 1e-4, offset: -0.1 },
        { scale: 1e-4, offset: -0.1 },
        { scale: 2e-4, offset: 0 },
      ],
    };
    writeFileSync(
      join(dir, 'stack.json'),
      JSON.stringify({
        id: 'STACK',
        properties: { datetime: '2026-11-01T08:00:00Z' },
        assets: { stack: asset },
      }),
    );
    const item = await readSceneItem(join(dir, 'stack.json'));
    expect(Object.keys(item.bands)).toEqual(['B04', 'B08', 'B11']);
    expect(item.bands.B11).toMatchObject({ sample: 2, scale: 2e-4 });
    for (const [name, expected] of [
      ['B04', values],
      ['B08', nir],
      ['B11', swir],
    ] as const) {
      const band = await readBand(name, item.bands[name]!, {
        window: [500_000 + 600, 9_000_000 - 1500, 500_000 + 1400, 9_000_000 - 550],
      });
      expect(band.values[0], name).toBe(expected[55 * W + 60]);
      expect(band.values[94 * 80 + 79], name).toBe(expected[149 * W + 139]);
    }
  });

  it('reads an overview when a coarser answer is enough, with the averages the overview holds', async () => {
    const layout = {
      tileSize: 64,
      compression: 'deflate',
      predictor: true,
      overviews: [2, 4],
    } as const;
    const file = write('overviews', encodeGeoTiff(image, layout));
    const full = await readBand('B04', file);
    expect([full.width, full.resolutionX]).toEqual([W, 10]);
    const coarse = await readBand('B04', file, { resolutionM: 45 });
    // 40 m (the x4 overview) is the coarsest no coarser than 45 m.
    expect([coarse.width, coarse.height, coarse.resolutionX, coarse.originX]).toEqual([
      75, 50, 40, 500_000,
    ]);
    const mean = (x0: number, y0: number) => {
      let sum = 0;
      for (let y = y0; y < y0 + 4; y++) for (let x = x0; x < x0 + 4; x++) sum += values[y * W + x]!;
      return Math.round(sum / 16);
    };
    expect(coarse.values[0]).toBe(mean(0, 0));
    expect(coarse.values[10 * 75 + 20]).toBe(mean(80, 40));
    // A window of the overview: the same map rectangle at 40 m.
    const part = await readBand('B04', file, {
      window: [500_000 + 800, 9_000_000 - 800, 500_000 + 1600, 9_000_000],
      resolutionM: 40,
    });
    expect([part.width, part.height, part.values[0]]).toEqual([20, 20, mean(80, 0)]);
  });
});
