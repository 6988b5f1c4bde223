import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OROMIA_DEMO,
  createWorld,
  encodeBand,
  overpassesBetween,
  renderScene,
  utmProjector,
  utmZoneOf,
  writeScene,
} from '@shamba/world';
import { DAY_MS, type Polygon } from '@shamba/schemas';
import { distribution, fieldIndices, type SceneBands } from './field-indices.js';
import { windowAround } from '../scenes/scene-bands.js';
import { readBand, readSceneItem } from '../scenes/scene-reader.js';

async function readScene(itemPath: string): Promise<SceneBands> {
  const item = await readSceneItem(itemPath);
  const read = (b: string) => readBand(b, item.bands[b]!);
  return {
    B04: await read('B04'),
    B08: await read('B08'),
    B8A: await read('B8A'),
    B11: await read('B11'),
    SCL: await read('SCL'),
  };
}

describe('per-field indices from GeoTIFF bands', () => {
  it('gives the indices of known reflectances, masking clouds by area', async () => {
    // A 10 x 10 grid of 10 m pixels in UTM 37N; the west half is clear vegetation, the east half
    // cloud (SCL 9) at 20 m. Red 0.05, NIR 0.45 -> NDVI 0.8, SAVI 1.5 * 0.4 / 1.0 = 0.6;
    // B8A 0.46, B11 0.20 -> NDMI 0.26 / 0.66 = 0.3939.
    const dir = mkdtempSync(join(tmpdir(), 'shamba-known-'));
    const [x0, y0] = [500_000, 880_000];
    const grid = (resolutionM: number, value: (col: number) => number) => {
      const n = 100 / resolutionM;
      return {
        width: n,
        height: n,
        originX: x0,
        originY: y0,
        resolutionM,
        data: Uint16Array.from({ length: n * n }, (_, i) => value(i % n)),
      };
    };
    const bands = {
      B04: grid(10, () => 1500),
      B08: grid(10, () => 5500),
      B8A: grid(20, () => 5600),
      B11: grid(20, () => 3000),
      SCL: grid(20, (col) => (col < 3 ? 4 : 9)), // cloud from x0 + 60 m eastwards
    };
    const assets: Record<string, unknown> = {};
    for (const [name, raster] of Object.entries(bands)) {
      writeFileSync(
        join(dir, `${name}.tif`),
        Buffer.from(encodeBand({ band: name as 'B04', ...raster }, 32637)),
      );
      assets[name] = {
        href: `./${name}.tif`,
        'raster:bands': [
          name === 'SCL' ? { nodata: 0 } : { nodata: 0, scale: 0.0001, offset: -0.1 },
        ],
      };
    }
    writeFileSync(
      join(dir, 'item.json'),
      JSON.stringify({ id: 'known', properties: { datetime: '2026-11-20T07:55:00Z' }, assets }),
    );
    const scene = await readScene(join(dir, 'item.json'));
    // The whole 100 m square as a field: 60 % clear.
    const inverse = utmProjector(utmZoneOf(39, 8)).inverse;
    const ring = [
      [x0, y0],
      [x0 + 100, y0],
      [x0 + 100, y0 - 100],
      [x0, y0 - 100],
      [x0, y0],
    ].map((p) => inverse(p as [number, number]));
    const result = fieldIndices(scene, { type: 'Polygon', coordinates: [ring] });
    expect(result).toMatchObject({ status: 'ok', validFraction: 0.6, pixelCount: 100 });
    if (result.status !== 'ok') throw new Error('not ok');
    expect(result.ndvi).toEqual({ mean: 0.8, sd: 0, p10: 0.8, p50: 0.8, p90: 0.8 });
    expect(result.savi.mean).toBe(0.6);
    expect(result.ndmi?.mean).toBe(0.3939);

    // A field under the cloud is reported as cloudy, not as a number.
    const east = [
      [x0 + 70, y0],
      [x0 + 100, y0],
      [x0 + 100, y0 - 100],
      [x0 + 70, y0 - 100],
      [x0 + 70, y0],
    ].map((p) => inverse(p as [number, number]));
    expect(fieldIndices(scene, { type: 'Polygon', coordinates: [east] })).toEqual({
      status: 'cloudy',
      validFraction: 0,
      pixelCount: 30,
    });
  });

  it('weighs boundary pixels by the share of their area inside, and honours holes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shamba-holes-'));
    const x0 = 500_000;
    const y0 = 880_000;
    // NDVI grows west to east: column c has red 0.05 and NIR 0.05 + 0.04 c.
    const data = (f: (col: number) => number) =>
      Uint16Array.from({ length: 100 }, (_, i) => f(i % 10));
    writeFileSync(
      join(dir, 'B04.tif'),
      Buffer.from(
        encodeBand(
          {
            band: 'B04',
            width: 10,
            height: 10,
            originX: x0,
            originY: y0,
            resolutionM: 10,
            data: data(() => 1500),
          },
          32637,
        ),
      ),
    );
    writeFileSync(
      join(dir, 'B08.tif'),
      Buffer.from(
        encodeBand(
          {
            band: 'B08',
            width: 10,
            height: 10,
            originX: x0,
            originY: y0,
            resolutionM: 10,
            data: data((c) => 1500 + 400 * c),
          },
          32637,
        ),
      ),
    );
    const assets = Object.fromEntries(
      ['B04', 'B08'].map((b) => [
        b,
        { href: `./${b}.tif`, 'raster:bands': [{ nodata: 0, scale: 0.0001, offset: -0.1 }] },
      ]),
    );
    writeFileSync(
      join(dir, 'item.json'),
      JSON.stringify({ id: 'holes', properties: { datetime: '2026-11-20T07:55:00Z' }, assets }),
    );
    const item = await readSceneItem(join(dir, 'item.json'));
    const bands = {
      B04: await readBand('B04', item.bands.B04!),
      B08: await readBand('B08', item.bands.B08!),
    };
    const inverse = utmProjector(utmZoneOf(39, 8)).inverse;
    const ring = (a: number, b: number, top: number, bottom: number) =>
      [
        [x0 + a, y0 - top],
        [x0 + b, y0 - top],
        [x0 + b, y0 - bottom],
        [x0 + a, y0 - bottom],
        [x0 + a, y0 - top],
      ].map((p) => inverse(p as [number, number]));
    // Columns 0-1 whole, column 2 half: weights 1, 1, 0.5 per row over 4 rows = 10 pixels.
    const partial: Polygon = { type: 'Polygon', coordinates: [ring(0, 25, 0, 40)] };
    const r = fieldIndices(bands, partial);
    expect(r).toMatchObject({ status: 'ok', pixelCount: 10 });
    const expected = distribution([0, 0.04 / (0.1 + 0.04), 0.08 / (0.1 + 0.08)], [4, 4, 2]);
    expect(r.status === 'ok' && r.ndvi.mean).toBeCloseTo(expected.mean, 3);
    // A hole over columns 0-1 leaves only the half column.
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [ring(0, 25, 0, 40), ring(0, 20, 0, 40).reverse()],
    };
    expect(fieldIndices(bands, holed)).toMatchObject({ status: 'ok', pixelCount: 2 });
  });

  it('sees the stressed field as much less green as the simulated world made it', async () => {
    const start = Date.UTC(2026, 10, 1);
    const [pass] = overpassesBetween(OROMIA_DEMO, start + 12 * DAY_MS, start + 17 * DAY_MS);
    const world = createWorld(OROMIA_DEMO, start);
    world.advanceTo(pass!);
    const scene = renderScene(OROMIA_DEMO, world, { seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'shamba-sim-scene-'));
    writeScene(scene, dir);
    const bands = await readScene(join(dir, `${scene.id}.json`));
    const stats = (id: string) => {
      const r = fieldIndices(bands, OROMIA_DEMO.fields.find((f) => f.id === id)!.boundary);
      if (r.status !== 'ok') throw new Error(`${id} is ${r.status}`);
      return r;
    };
    const stressed = stats('field-tolosa-maize');
    const healthy = stats('field-almaz-maize');
    const truthGap =
      scene.truth['field-almaz-maize']!.ndvi - scene.truth['field-tolosa-maize']!.ndvi;
    expect(truthGap).toBeGreaterThan(0.05);
    expect(healthy.ndvi.mean - stressed.ndvi.mean).toBeCloseTo(truthGap, 1);
    expect(healthy.ndmi!.mean).toBeGreaterThan(stressed.ndmi!.mean);
    expect(stressed.validFraction).toBeGreaterThan(0.9);
  });

  it('reads only a window around the fields and gets the same numbers', async () => {
    const start = Date.UTC(2026, 10, 1);
    const [pass] = overpassesBetween(OROMIA_DEMO, start + 12 * DAY_MS, start + 17 * DAY_MS);
    const world = createWorld(OROMIA_DEMO, start);
    world.advanceTo(pass!);
    const scene = renderScene(OROMIA_DEMO, world, { seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'shamba-window-'));
    writeScene(scene, dir);
    const item = await readSceneItem(join(dir, `${scene.id}.json`));
    const field = OROMIA_DEMO.fields.find((f) => f.id === 'field-almaz-maize')!;
    const window = windowAround([field.boundary], 32637);
    const read = (b: string) => readBand(b, item.bands[b]!, { window });
    const windowed = {
      B04: await read('B04'),
      B08: await read('B08'),
      B8A: await read('B8A'),
      B11: await read('B11'),
      SCL: await read('SCL'),
    };
    const full = await readScene(join(dir, `${scene.id}.json`));
    expect(windowed.B04.width * windowed.B04.height).toBeLessThan(
      (full.B04.width * full.B04.height) / 10,
    );
    expect(fieldIndices(windowed, field.boundary)).toEqual(fieldIndices(full, field.boundary));
  });
});
