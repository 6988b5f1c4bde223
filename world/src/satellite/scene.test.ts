import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
import { OROMIA_DEMO } from '../scenarios/built-in.js';
import { createWorld } from '../world/world.js';
import { DN_OFFSET, DN_SCALE, SCL, overpassesBetween, renderScene } from './scene.js';
import { utmProjector, utmZoneOf } from './utm.js';
import { writeScene } from './write-scene.js';

async function readBand(path: string) {
  const tiff = await fromArrayBuffer(new Uint8Array(readFileSync(path)).buffer);
  const image = await tiff.getImage();
  const [data] = (await image.readRasters()) as unknown as [ArrayLike<number>];
  return { image, data };
}

describe('satellite scenes', () => {
  it('renders GeoTIFF bands in which the stressed field is as much less green as the world made it', async () => {
    const start = Date.UTC(2026, 10, 1);
    const [pass] = overpassesBetween(OROMIA_DEMO, start + 12 * DAY_MS, start + 17 * DAY_MS);
    const world = createWorld(OROMIA_DEMO, start);
    world.advanceTo(pass!);
    const scene = renderScene(OROMIA_DEMO, world, { seed: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'shamba-scene-'));
    const files = writeScene(scene, dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      `${scene.id}_B04.tif`,
      `${scene.id}_B08.tif`,
      `${scene.id}_B8A.tif`,
      `${scene.id}_B11.tif`,
      `${scene.id}_SCL.tif`,
      `${scene.id}.json`,
    ]);

    const red = await readBand(files[0]!);
    const nir = await readBand(files[1]!);
    const scl = await readBand(files[4]!);
    // Ziway is in UTM zone 37N; 10 m pixels for B04, 20 m for SCL; nodata 0.
    expect(red.image.getGeoKeys()).toMatchObject({
      ProjectedCSTypeGeoKey: 32637,
      GTModelTypeGeoKey: 1,
      GTRasterTypeGeoKey: 1,
    });
    expect(red.image.getResolution().slice(0, 2)).toEqual([10, -10]);
    expect(scl.image.getResolution().slice(0, 2)).toEqual([20, -20]);
    expect(red.image.getGDALNoData()).toBe(0);

    const project = utmProjector(utmZoneOf(38.72, 7.93));
    const [originX, originY] = red.image.getOrigin() as [number, number];
    const meanNdvi = (fieldId: string) => {
      const ring = OROMIA_DEMO.fields
        .find((f) => f.id === fieldId)!
        .boundary.coordinates[0]!.map((p) => project.forward(p));
      const polygon = { type: 'Polygon' as const, coordinates: [ring] };
      const values: number[] = [];
      for (let row = 0; row < red.image.getHeight(); row++) {
        for (let col = 0; col < red.image.getWidth(); col++) {
          const x = originX + (col + 0.5) * 10;
          const y = originY - (row + 0.5) * 10;
          if (!booleanPointInPolygon([x, y], polygon)) continue;
          const cls = scl.data[Math.floor(row / 2) * scl.image.getWidth() + Math.floor(col / 2)];
          if (cls !== SCL.VEGETATION && cls !== SCL.NOT_VEGETATED) continue;
          const r = (red.data[row * red.image.getWidth() + col]! - DN_OFFSET) / DN_SCALE;
          const n = (nir.data[row * nir.image.getWidth() + col]! - DN_OFFSET) / DN_SCALE;
          values.push((n - r) / (n + r));
        }
      }
      expect(values.length).toBeGreaterThan(50);
      return values.reduce((s, v) => s + v, 0) / values.length;
    };
    const stressed = meanNdvi('field-tolosa-maize');
    const healthy = meanNdvi('field-almaz-maize');
    const truthGap =
      scene.truth['field-almaz-maize']!.ndvi - scene.truth['field-tolosa-maize']!.ndvi;
    expect(scene.truth['field-tolosa-maize']!.waterStress).toBeGreaterThan(0.3);
    expect(truthGap).toBeGreaterThan(0.05);
    expect(healthy - stressed).toBeCloseTo(truthGap, 1);

    const item = JSON.parse(readFileSync(files[5]!, 'utf8')) as {
      properties: Record<string, unknown>;
      assets: Record<string, { 'raster:bands': { scale?: number; offset?: number }[] }>;
    };
    expect(item.properties).toMatchObject({
      datetime: new Date(pass!).toISOString(),
      'proj:epsg': 32637,
    });
    expect(item.assets.B04!['raster:bands'][0]).toMatchObject({ scale: 0.0001, offset: -0.1 });
  });

  it('passes every five days at 10:30 solar time', () => {
    const passes = overpassesBetween(OROMIA_DEMO, Date.UTC(2026, 10, 1), Date.UTC(2026, 10, 21));
    expect(passes).toHaveLength(4);
    expect(passes.map((p, i) => (i === 0 ? 0 : p - passes[i - 1]!))).toEqual([
      0,
      5 * DAY_MS,
      5 * DAY_MS,
      5 * DAY_MS,
    ]);
    // 10:30 solar at 38.72 E is 07:55 UTC.
    expect(new Date(passes[0]!).toISOString().slice(11, 16)).toBe('07:55');
  });
});
