import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeGeoTiff } from '@shamba/raster/testing';
import { H, ORIGIN, W } from './utm-plot.js';

/** Scene classification (ESA Sentinel-2 L2A): 4 vegetation, 9 cloud (high probability). */
const VEGETATION = 4;
const CLOUD = 9;

export interface PlotSceneSpec {
  id: string;
  acquiredMs: number;
  /** Grid columns the raster has (W: the whole grid; fewer: it ends inside the plot). */
  columns?: number;
  /** Cloud east of this UTM 37N x (SCL 9). */
  cloudEastOf?: number;
}

/**
 * A scene over the test plot's grid (utm-plot.ts) as real GeoTIFFs: uniform canopy (red 0.05,
 * NIR 0.40: NDVI 0.778), B04, B08 and SCL, and its STAC item, in `folder`; the item's path.
 */
export function writePlotScene(folder: string, spec: PlotSceneSpec): string {
  mkdirSync(folder, { recursive: true });
  const width = spec.columns ?? W;
  const grid = { width, height: H, originX: ORIGIN.x, originY: ORIGIN.y, resolution: 10 };
  const layout = { tileSize: 16, compression: 'deflate', predictor: true } as const;
  const band = (value: (x: number) => number) => {
    const values = new Uint16Array(width * H);
    for (let row = 0; row < H; row++)
      for (let col = 0; col < width; col++)
        values[row * width + col] = value(ORIGIN.x + (col + 0.5) * 10);
    return encodeGeoTiff({ ...grid, epsg: 32637, values }, layout);
  };
  const cloudEastOf = spec.cloudEastOf ?? Number.POSITIVE_INFINITY;
  writeFileSync(
    join(folder, `${spec.id}-B04.tif`),
    band(() => 500),
  );
  writeFileSync(
    join(folder, `${spec.id}-B08.tif`),
    band(() => 4000),
  );
  writeFileSync(
    join(folder, `${spec.id}-SCL.tif`),
    band((x) => (x > cloudEastOf ? CLOUD : VEGETATION)),
  );
  const asset = (name: string, scale: number) => ({
    href: `${spec.id}-${name}.tif`,
    'raster:bands': [{ scale, offset: 0 }],
  });
  const itemPath = join(folder, `${spec.id}.json`);
  writeFileSync(
    itemPath,
    JSON.stringify({
      id: spec.id,
      properties: { datetime: new Date(spec.acquiredMs).toISOString() },
      assets: { B04: asset('B04', 1e-4), B08: asset('B08', 1e-4), SCL: asset('SCL', 1) },
    }),
  );
  return itemPath;
}
