import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { fieldFixture } from '@shamba/schemas/testing';
import type { BandRaster, SceneBands } from '@shamba/raster';
import { corner, H, ORIGIN, rectangle, W, X0, Y0 } from '../testing/utm-plot.js';
import { delineateZones } from './delineate-zones.js';

// A 200 m x 100 m plot near Ziway on the 10 m grid of UTM 37N, its west half paler (NDVI 0.35)
// than its east half (0.78), seen on three dates with a little noise and a few odd pixels.
const field = fieldFixture({
  areaHa: 2,
  boundary: rectangle(X0, Y0, X0 + 200, Y0 + 100),
});

function band(name: string, value: (x: number, y: number) => number): BandRaster {
  const values = new Float64Array(W * H);
  for (let row = 0; row < H; row++)
    for (let col = 0; col < W; col++)
      values[row * W + col] = value(ORIGIN.x + (col + 0.5) * 10, ORIGIN.y - (row + 0.5) * 10);
  return {
    band: name,
    width: W,
    height: H,
    originX: ORIGIN.x,
    originY: ORIGIN.y,
    resolutionX: 10,
    resolutionY: 10,
    epsg: 32637,
    nodata: null,
    scale: 1,
    offset: 0,
    values,
  };
}

function scene(date: number, pale: (x: number, y: number) => boolean, noise = 0.002): SceneBands {
  const jitter = (x: number, y: number) =>
    ((Math.floor(x) * 31 + Math.floor(y) * 17 + date * 13) % 7) * noise;
  return {
    B04: band('B04', (x, y) => (pale(x, y) ? 0.12 : 0.05) + jitter(x, y)),
    B08: band('B08', (x, y) => (pale(x, y) ? 0.25 : 0.4) - jitter(y, x)),
  };
}

// Three odd pixels inside the green half: speckle, not a zone.
const odd = new Set(['480155,870035', '480165,870075', '480125,870055']);
const westPale = (x: number, y: number) => x < X0 + 100 || odd.has(`${x},${y}`);

describe('management zones from the NDVI history', () => {
  it('splits a half-pale plot into two contiguous zones along the right line', () => {
    const result = delineateZones({
      field,
      scenes: [1, 2, 3].map((d) => ({ sceneId: `S${d}`, bands: scene(d, westPale) })),
    });
    expect(result.status).toBe('ok');
    expect(result.scenesUsed).toEqual(['S1', 'S2', 'S3']);
    expect(result.pixels).toBe(200);
    expect(result.classCount).toBe(2);
    expect(result.validity.map((v) => v.c)).toEqual([2, 3, 4, 5]);
    // The odd pixels were merged away: two zones, low vigour first, west and east.
    expect(result.zones.map((z) => z.name)).toEqual([
      'zone 1 (low vigour)',
      'zone 2 (high vigour)',
    ]);
    expect(result.zoneStats.map((z) => z.pixels)).toEqual([100, 100]);
    const [low, high] = result.zones;
    const fieldArea = area(field.boundary);
    expect(low!.areaHa + high!.areaHa).toBeCloseTo(fieldArea / 10_000, 2);
    expect(low!.areaHa).toBeCloseTo(1, 1);
    expect(booleanPointInPolygon(corner(X0 + 50, Y0 + 50), low!.boundary)).toBe(true);
    expect(booleanPointInPolygon(corner(X0 + 150, Y0 + 50), high!.boundary)).toBe(true);
    expect(booleanPointInPolygon(corner(X0 + 150, Y0 + 50), low!.boundary)).toBe(false);
    expect(result.zoneStats[0]!.meanNdvi).toBeLessThan(0.45);
    expect(result.zoneStats[1]!.meanNdvi).toBeGreaterThan(0.7);
  });

  it('leaves a uniform plot whole, and skips scenes in another CRS or under cloud', () => {
    const uniform = delineateZones({
      field,
      // Noise of about 0.01 NDVI, as Sentinel-2 shows over an even crop.
      scenes: [1, 2].map((d) => ({ sceneId: `S${d}`, bands: scene(d, () => false, 0.0008) })),
    });
    expect(uniform.status).toBe('uniform');
    expect(uniform.zones).toEqual([]);
    const cloudy = scene(4, westPale);
    cloudy.SCL = { ...cloudy.B04, band: 'SCL', values: new Uint8Array(W * H).fill(9) };
    const other = scene(5, westPale);
    other.B04 = { ...other.B04, epsg: 32737 };
    const result = delineateZones({
      field,
      scenes: [
        { sceneId: 'S1', bands: scene(1, westPale) },
        { sceneId: 'cloud', bands: cloudy },
        { sceneId: 'south', bands: other },
      ],
    });
    expect(result.scenesUsed).toEqual(['S1']);
    expect(result.zones).toHaveLength(2);
  });
});
