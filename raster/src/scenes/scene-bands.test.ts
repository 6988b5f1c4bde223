import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { readSceneBands } from './scene-bands.js';
import { readBand, readSceneItem } from './scene-reader.js';
import { encodeGeoTiff } from '../testing/tiff-writer.js';

const W = 64;
const H = 48;
const red = new Uint16Array(W * H).map((_, i) => 1000 + (i % 700));
const nir = red.map((v) => v + 2000);
const image = {
  width: W,
  height: H,
  originX: 500_000,
  originY: 9_000_000,
  resolution: 10,
  epsg: 32737,
};
const dir = mkdtempSync(join(tmpdir(), 'shamba-scene-bands-'));

/** The code and message a promise is refused with, or what it resolved to. */
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'read',
    (error: unknown) => (isShambaError(error) ? [error.code, error.message] : error),
  );

/** A STAC item beside a two-band file (B04, B08) that names the bands `names`. */
function itemFor(id: string, names: string[]) {
  writeFileSync(
    join(dir, `${id}.tif`),
    encodeGeoTiff({ ...image, values: [red, nir] }, { compression: 'none', predictor: false }),
  );
  writeFileSync(
    join(dir, `${id}.json`),
    JSON.stringify({
      id,
      properties: { datetime: '2026-11-01T08:00:00Z' },
      assets: { stack: { href: `./${id}.tif`, 'eo:bands': names.map((name) => ({ name })) } },
    }),
  );
  return readSceneItem(join(dir, `${id}.json`));
}

describe('missing bands are RASTER_INVALID, never a 500', () => {
  it('a band the item names past the samples its file holds', async () => {
    const item = await itemFor('three-names', ['B04', 'B08', 'B11']);
    expect(item.bands.B11).toMatchObject({ sample: 2 });
    expect(await refusal(readBand('B11', item.bands.B11!))).toEqual([
      'RASTER_INVALID',
      'band B11: the file has 2 bands, not 3',
    ]);
    // The bands it does hold still read.
    expect((await readBand('B08', item.bands.B08!)).values[5]).toBe(nir[5]);
  });

  it('a scene without B04 or B08', async () => {
    const item = await itemFor('no-red', ['B8A', 'B11']);
    expect(await refusal(readSceneBands(item, []))).toEqual([
      'RASTER_INVALID',
      'no-red has no B04 or B08 band',
    ]);
  });
});
