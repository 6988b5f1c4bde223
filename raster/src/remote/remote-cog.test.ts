import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFolder } from '../testing/index.js';
import { readBand, readSceneItem } from '../scenes/scene-reader.js';
import { encodeGeoTiff } from '../testing/tiff-writer.js';

// A Cloud-Optimized GeoTIFF on a real HTTP server on loopback: a small window must cost a small
// part of the file, and a server that ignores Range must be refused, not downloaded.
const W = 2048;
const values = new Uint16Array(W * W);
let seed = 1;
for (let i = 0; i < values.length; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  values[i] = 1000 + (seed % 4000); // noisy, so the file is as large as a real band's tiles
}
const dir = mkdtempSync(join(tmpdir(), 'shamba-cog-'));
const tif = encodeGeoTiff(
  { width: W, height: W, values, originX: 300_000, originY: 800_000, resolution: 10, epsg: 32637 },
  { tileSize: 256, compression: 'deflate', predictor: true },
);
writeFileSync(join(dir, 'B04.tif'), tif);
writeFileSync(
  join(dir, 'item.json'),
  JSON.stringify({
    id: 'S2REMOTE',
    properties: { datetime: '2026-11-20T07:55:00Z' },
    assets: {
      B04: { href: './B04.tif', 'raster:bands': [{ scale: 1e-4, offset: -0.1, nodata: 0 }] },
    },
  }),
);

const LOOPBACK = { allowPrivateAddresses: ['127.0.0.1'] };

let server: Awaited<ReturnType<typeof serveFolder>>;
beforeAll(async () => {
  server = await serveFolder(dir);
});
afterAll(() => server.close());

describe('COG over HTTP range requests', () => {
  it('reads a window through the STAC item, fetching a small share of the file', async () => {
    // The server is on loopback: allowed here explicitly (the default refuses private addresses).
    const item = await readSceneItem(`${server.url}/item.json`, { remoteAccess: LOOPBACK });
    expect(item.bands.B04!.path).toBe(`${server.url}/B04.tif`);
    const before = server.bytesSent();
    // 50 x 50 pixels (500 m) inside one 256-pixel tile of the 64.
    const band = await readBand('B04', item.bands.B04!, {
      window: [310_300, 789_200, 310_800, 789_700],
    });
    expect([band.width, band.height]).toEqual([50, 50]);
    expect(band.values[0]).toBe(values[1030 * W + 1030]);
    expect(band.values[49 * 50 + 49]).toBe(values[1079 * W + 1079]);
    expect(server.bytesSent() - before).toBeLessThan(tif.length / 20);
  });

  it('refuses a server that answers range requests with the whole file', async () => {
    server.honourRange(false);
    try {
      const path = `${server.url}/B04.tif?whole`;
      await expect(
        readBand('B04', { path, scale: 1, offset: 0, nodata: null, remoteAccess: LOOPBACK }),
      ).rejects.toMatchObject({
        code: 'RASTER_UNSUPPORTED',
      });
    } finally {
      server.honourRange(true);
    }
  });
});
