import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import proj4 from 'proj4';
import { sceneFieldIndices } from '@shamba/analytics';
import { readSceneItem } from '@shamba/raster';
import { encodeGeoTiff } from '@shamba/raster/testing';
import type { Polygon } from '@shamba/schemas';

/**
 * `pnpm bench raster`: a Sentinel-2-like tile (10980 x 10980 at 10 m, UTM 37N, uint16, DEFLATE
 * with predictor 2, 512-pixel tiles, red and NIR in separate files) and 200 fields of 0.5-20 ha;
 * each field's mean NDVI (pixels weighted by the share inside the polygon, 4 x 4 subsamples),
 * reading only the field's window, through the scene pass's own reduction. Peer, when GDAL is
 * installed (gdal-bin, python3-gdal, python3-numpy): the same statistic with GDAL windowed reads
 * of the same blocks and numpy.
 * The scene is generated with a fixed seed and cached in the temp directory.
 */
const SIZE = Number(process.env.BENCH_RASTER_SIZE ?? 10_980);
const FIELDS = Number(process.env.BENCH_RASTER_FIELDS ?? 200);
const ORIGIN = { x: 399_960, y: 900_000 }; // a Sentinel-2 tile corner in UTM 37N (Ethiopia)
const UTM = '+proj=utm +zone=37 +datum=WGS84 +units=m +no_defs';
const PYTHON = '/usr/bin/python3';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Red and NIR DN (reflectance x 10000 + 1000): patchy canopy over soil, with noise. */
function generateScene(dir: string) {
  const item = join(dir, 'item.json');
  if (existsSync(item)) return item;
  mkdirSync(dir, { recursive: true });
  const random = lcg(42);
  const red = new Uint16Array(SIZE * SIZE);
  const nir = new Uint16Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      // Canopy cover from two gentle waves (plots and valleys), 0..1.
      const cover =
        0.5 + 0.3 * Math.sin(x / 137) * Math.cos(y / 211) + 0.2 * Math.sin((x + y) / 59);
      const noise = random() - 0.5;
      red[y * SIZE + x] = Math.round(1000 + 10_000 * (0.2 - 0.15 * cover + 0.01 * noise));
      nir[y * SIZE + x] = Math.round(1000 + 10_000 * (0.28 + 0.2 * cover + 0.02 * noise));
    }
  }
  const image = {
    width: SIZE,
    height: SIZE,
    originX: ORIGIN.x,
    originY: ORIGIN.y,
    resolution: 10,
    epsg: 32637,
    nodata: 0,
  };
  const layout = { tileSize: 512, compression: 'deflate', predictor: true } as const;
  writeFileSync(join(dir, 'B04.tif'), encodeGeoTiff({ ...image, values: red }, layout));
  writeFileSync(join(dir, 'B08.tif'), encodeGeoTiff({ ...image, values: nir }, layout));
  const band = (href: string) => ({
    href,
    'raster:bands': [{ scale: 1e-4, offset: -0.1, nodata: 0 }],
  });
  writeFileSync(
    item,
    JSON.stringify({
      id: 'S2BENCH',
      properties: { datetime: '2026-11-01T07:55:00Z' },
      assets: { B04: band('./B04.tif'), B08: band('./B08.tif') },
    }),
  );
  return item;
}

/** 200 quadrilateral fields of 0.5-20 ha, skewed a little, inside the tile (UTM coordinates). */
function generateFields(): number[][][] {
  const random = lcg(7);
  return Array.from({ length: FIELDS }, () => {
    const areaM2 = (0.5 + 19.5 * random() ** 2) * 10_000;
    const aspect = 0.5 + random();
    const w = Math.sqrt(areaM2 * aspect);
    const h = areaM2 / w;
    const cx = ORIGIN.x + 2_000 + random() * (SIZE * 10 - 4_000);
    const cy = ORIGIN.y - 2_000 - random() * (SIZE * 10 - 4_000);
    const skew = (random() - 0.5) * 0.3 * w;
    return [
      [cx - w / 2 + skew, cy - h / 2],
      [cx + w / 2 + skew, cy - h / 2],
      [cx + w / 2 - skew, cy + h / 2],
      [cx - w / 2 - skew, cy + h / 2],
      [cx - w / 2 + skew, cy - h / 2],
    ];
  });
}

const PEER = String.raw`
import json, sys, time
import numpy as np
from osgeo import gdal
fields = json.load(open(sys.argv[1]))
red_ds = gdal.Open(sys.argv[2]); nir_ds = gdal.Open(sys.argv[3])
red_b = red_ds.GetRasterBand(1); nir_b = nir_ds.GetRasterBand(1)
ox, res, _, oy, _, _ = red_ds.GetGeoTransform()
S = 4
def inside(px, py, ring):
    c = np.zeros(px.shape, dtype=bool)
    n = len(ring) - 1
    for i in range(n):
        x1, y1 = ring[i]; x2, y2 = ring[i + 1]
        cross = ((y1 > py) != (y2 > py)) & (px < (x2 - x1) * (py - y1) / ((y2 - y1) if y2 != y1 else 1e-300) + x1)
        c ^= cross
    return c
t0 = time.perf_counter()
out = []
for ring in fields:
    xs = [p[0] for p in ring]; ys = [p[1] for p in ring]
    c0 = max(0, int(np.floor((min(xs) - ox) / res))); c1 = min(red_ds.RasterXSize - 1, int(np.floor((max(xs) - ox) / res)))
    r0 = max(0, int(np.floor((oy - max(ys)) / res))); r1 = min(red_ds.RasterYSize - 1, int(np.floor((oy - min(ys)) / res)))
    w, h = c1 - c0 + 1, r1 - r0 + 1
    red = red_b.ReadAsArray(c0, r0, w, h).astype(np.float64) * 1e-4 - 0.1
    nir = nir_b.ReadAsArray(c0, r0, w, h).astype(np.float64) * 1e-4 - 0.1
    cols = np.arange(c0, c1 + 1); rows = np.arange(r0, r1 + 1)
    weight = np.zeros((h, w))
    for i in range(S):
        for j in range(S):
            px = ox + (cols[None, :] + (i + 0.5) / S) * res + 0 * rows[:, None]
            py = oy - (rows[:, None] + (j + 0.5) / S) * res + 0 * cols[None, :]
            weight += inside(px, py, ring)
    weight /= S * S
    ndvi = (nir - red) / (nir + red)
    out.append(float((ndvi * weight).sum() / weight.sum()))
print(json.dumps({"seconds": time.perf_counter() - t0, "means": out}))
`;

export async function rasterBench(): Promise<Record<string, number>> {
  const dir = join(tmpdir(), `shamba-bench-raster-${SIZE}`);
  const t0 = performance.now();
  const itemPath = generateScene(dir);
  const generateSeconds = (performance.now() - t0) / 1000;
  const rings = generateFields();
  const toLonLat = proj4(UTM, 'EPSG:4326');
  const boundaries: Polygon[] = rings.map((ring) => ({
    type: 'Polygon',
    coordinates: [ring.map(([x, y]) => toLonLat.forward<[number, number]>([x!, y!]))],
  }));

  // Ours: the scene pass's own reduction (what the `scene.indices` worker task runs), each
  // field over its own window.
  const t1 = performance.now();
  const item = await readSceneItem(itemPath);
  const { perField } = await sceneFieldIndices({
    item,
    fields: boundaries.map((boundary, i) => ({ id: `field-${i}`, boundary })),
  });
  const means = perField.map(({ indices }) => {
    if (indices.status !== 'ok') throw new Error(`a field came out ${indices.status}`);
    return indices.ndvi.mean;
  });
  const seconds = (performance.now() - t1) / 1000;

  // The peer: GDAL + numpy on the same polygons in the raster's CRS (the projected rings).
  let peerSeconds = Number.NaN;
  let maxAbsDiff = Number.NaN;
  const hasGdal =
    existsSync(PYTHON) &&
    spawnSync(PYTHON, ['-c', 'from osgeo import gdal; import numpy'], { stdio: 'ignore' })
      .status === 0;
  if (hasGdal) {
    const project = proj4('EPSG:4326', UTM);
    const projected = boundaries.map((b) =>
      b.coordinates[0]!.map((p) => project.forward<[number, number]>(p)),
    );
    writeFileSync(join(dir, 'fields.json'), JSON.stringify(projected));
    writeFileSync(join(dir, 'peer.py'), PEER);
    const peer = JSON.parse(
      execFileSync(
        PYTHON,
        [
          join(dir, 'peer.py'),
          join(dir, 'fields.json'),
          join(dir, 'B04.tif'),
          join(dir, 'B08.tif'),
        ],
        {
          encoding: 'utf8',
          maxBuffer: 16 * 2 ** 20,
        },
      ),
    ) as { seconds: number; means: number[] };
    peerSeconds = peer.seconds;
    maxAbsDiff = Math.max(...means.map((m, i) => Math.abs(m - peer.means[i]!)));
  }
  console.error(
    `raster: ${FIELDS} fields on a ${SIZE} x ${SIZE} tile (generated in ${generateSeconds.toFixed(1)} s, cached): ` +
      `ours ${seconds.toFixed(2)} s` +
      (hasGdal
        ? `, GDAL + numpy ${peerSeconds.toFixed(2)} s, ratio ours/GDAL ${(seconds / peerSeconds).toFixed(2)}, largest difference ${maxAbsDiff.toExponential(2)}`
        : '; GDAL not installed (apt-get install gdal-bin python3-gdal python3-numpy): no peer'),
  );
  return {
    fields: FIELDS,
    size: SIZE,
    seconds,
    peerSeconds,
    ratio: seconds / peerSeconds,
    maxAbsDiff,
  };
}
