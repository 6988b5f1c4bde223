import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { fromFile } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { readBand } from '../scenes/scene-reader.js';
import { encodeGeoTiff, type GeoTiffLayout } from '../testing/tiff-writer.js';
import { readWindow } from './window-reader.js';

// 300 x 200 uint16 with large steps between neighbours, so a wrong predictor sum shows at once.
const W = 300;
const H = 200;
const values = new Uint16Array(W * H);
for (let y = 0; y < H; y++)
  for (let x = 0; x < W; x++) values[y * W + x] = (x * 7919 + y * 104_729) % 65_536;
const image = (v: Uint16Array) => ({
  width: W,
  height: H,
  values: v,
  originX: 500_000,
  originY: 9_000_000,
  resolution: 10,
  epsg: 32737,
});
const dir = mkdtempSync(join(tmpdir(), 'shamba-window-'));
const write = (name: string, layout: GeoTiffLayout, v = values) => {
  const path = join(dir, `${name}.tif`);
  writeFileSync(path, encodeGeoTiff(image(v), layout));
  return path;
};

const FAST: Record<string, GeoTiffLayout> = {
  'tiled 64, none': { tileSize: 64, compression: 'none', predictor: false },
  'tiled 64, DEFLATE': { tileSize: 64, compression: 'deflate', predictor: false },
  'tiled 128, DEFLATE + predictor': { tileSize: 128, compression: 'deflate', predictor: true },
  'stripped 8 rows, DEFLATE + predictor': {
    compression: 'deflate',
    predictor: true,
    rowsPerStrip: 8,
  },
  // 200 rows in strips of 48: the last strip holds only 8.
  'stripped 48 rows, none': { compression: 'none', predictor: false, rowsPerStrip: 48 },
};

const windowArbitrary = fc
  .tuple(fc.nat({ max: W - 1 }), fc.nat({ max: H - 1 }), fc.nat({ max: W }), fc.nat({ max: H }))
  .map(([x, y, w, h]) => [x, y, Math.min(W, x + 1 + w), Math.min(H, y + 1 + h)] as const);

describe('window reader', () => {
  for (const [name, layout] of Object.entries(FAST)) {
    it(`reads any window of ${name} pixel for pixel, without geotiff's decoder`, async () => {
      const tiff = await fromFile(write(name.replaceAll(/\W+/g, '-'), layout));
      const img = await tiff.getImage();
      await fc.assert(
        fc.asyncProperty(windowArbitrary, async (window) => {
          const read = await readWindow(img, {
            window,
            sample: 0,
            cacheKey: `${name}|0`,
            nodata: 0,
          });
          expect(read).toBeInstanceOf(Uint16Array);
          const [left, top, right, bottom] = window;
          const expected = new Uint16Array((right - left) * (bottom - top));
          for (let y = top; y < bottom; y++)
            expected.set(values.subarray(y * W + left, y * W + right), (y - top) * (right - left));
          expect(Buffer.from(read!.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
        }),
        { numRuns: 60 },
      );
      await tiff.close();
    });
  }

  it('leaves LZW to geotiff', async () => {
    const tiff = await fromFile(write('lzw', { compression: 'lzw', predictor: false }));
    const request = { window: [0, 0, 10, 10], sample: 0, cacheKey: 'lzw|0', nodata: 0 } as const;
    expect(await readWindow(await tiff.getImage(), request)).toBeUndefined();
    await tiff.close();
  });

  it('reads a band file again once it changes (tiles are cached by file version)', async () => {
    const layout: GeoTiffLayout = { tileSize: 64, compression: 'deflate', predictor: true };
    const path = write('changing', layout);
    const file = { path, scale: 1, offset: 0, nodata: null };
    const window = [500_000, 9_000_000 - 640, 500_640, 9_000_000] as const;
    const before = await readBand('B04', file, { window: [...window] });
    expect(before.values[0]).toBe(values[0]);
    const changed = values.map((v) => 65_535 - v);
    write('changing', layout, changed);
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    const after = await readBand('B04', file, { window: [...window] });
    expect(after.values[0]).toBe(changed[0]);
    expect(after.values[64 * 64 - 1]).toBe(changed[63 * W + 63]);
  });
});
