import { PNG } from 'pngjs';
import type { Polygon } from '@shamba/schemas';
import {
  USABLE_SCL,
  fieldPixels,
  ndvi,
  sample,
  sceneClass,
  type SceneBands,
} from '../indices/field-indices.js';
import { pixelCoverage } from '../indices/pixel-coverage.js';

/**
 * The NDVI colour ramp, a five-stop brown-to-green scale after ColorBrewer's RdYlGn (Brewer,
 * colorbrewer2.org), read as: bare soil or dead crop (<= 0.1) brown, sparse (0.3) yellow,
 * moderate (0.5) light green, dense (0.7) green, very dense (>= 0.9) dark green. Linear between
 * stops. Masked pixels (cloud, shadow, no data) are grey; outside the field, transparent.
 */
export const NDVI_RAMP: readonly [ndvi: number, rgb: [number, number, number]][] = [
  [0.1, [166, 97, 26]],
  [0.3, [255, 255, 191]],
  [0.5, [166, 217, 106]],
  [0.7, [26, 150, 65]],
  [0.9, [0, 90, 50]],
];
export const MASKED_RGB: [number, number, number] = [160, 160, 160];

export function rampColour(value: number): [number, number, number] {
  const first = NDVI_RAMP[0]!;
  const last = NDVI_RAMP[NDVI_RAMP.length - 1]!;
  if (value <= first[0]) return first[1];
  if (value >= last[0]) return last[1];
  for (let i = 1; i < NDVI_RAMP.length; i++) {
    const [v1, c1] = NDVI_RAMP[i]!;
    const [v0, c0] = NDVI_RAMP[i - 1]!;
    if (value <= v1) {
      const t = (value - v0) / (v1 - v0);
      return [0, 1, 2].map((k) => Math.round(c0[k]! + t * (c1[k]! - c0[k]!))) as [
        number,
        number,
        number,
      ];
    }
  }
  return last[1];
}

/**
 * One field's NDVI as a PNG: the pixels whose centre is in the field, coloured by `NDVI_RAMP`;
 * masked pixels (cloud, shadow, nodata) grey; outside the field transparent. Each pixel is
 * drawn `scale` x `scale` so a plot of a few dozen pixels is visible on a phone.
 */
export function renderFieldNdviPng(bands: SceneBands, boundary: Polygon, scale = 8): Buffer {
  return renderNdviPng(bands, [boundary], scale);
}

/** The largest side of a rendered image, px: a cooperative's fields may span kilometres. */
export const MAX_PNG_SIDE = 2048;

/**
 * The NDVI of several fields (a cooperative's) in one PNG over their common extent, coloured as
 * `renderFieldNdviPng` colours one; pixels are enlarged up to `scale` while the image stays within
 * `MAX_PNG_SIDE`.
 */
export function renderNdviPng(
  bands: SceneBands,
  boundaries: readonly Polygon[],
  scale = 8,
): Buffer {
  const { B04: red, B08: nir } = bands;
  const extents = boundaries.map((b) => fieldPixels(red, b));
  const col0 = Math.min(...extents.map((e) => e.col0));
  const col1 = Math.max(...extents.map((e) => e.col1));
  const row0 = Math.min(...extents.map((e) => e.row0));
  const row1 = Math.max(...extents.map((e) => e.row1));
  const width = Math.max(1, col1 - col0 + 1);
  const height = Math.max(1, row1 - row0 + 1);
  const k = Math.max(1, Math.min(scale, Math.floor(MAX_PNG_SIDE / Math.max(width, height))));
  const png = new PNG({ width: width * k, height: height * k });
  // Pixels whose centre is inside any of the fields (one subsample a pixel).
  const grid = { ...red, col0, col1: col0 + width - 1, row0, row1: row0 + height - 1 };
  const coverages = extents.map((e) => pixelCoverage(e.polygon.coordinates, grid, 1));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const x = red.originX + (col0 + col + 0.5) * red.resolutionX;
      const y = red.originY - (row0 + row + 0.5) * red.resolutionY;
      let rgba: [number, number, number, number] = [0, 0, 0, 0];
      if (coverages.some((c) => c[row * width + col] !== 0)) {
        const r = sample(red, x, y);
        const n = sample(nir, x, y);
        const cls = bands.SCL === undefined ? 4 : sceneClass(bands.SCL, x, y);
        const masked = r === null || n === null || cls === null || !USABLE_SCL.has(cls);
        rgba = masked ? [...MASKED_RGB, 255] : [...rampColour(ndvi(r, n)), 255];
      }
      for (let dy = 0; dy < k; dy++) {
        for (let dx = 0; dx < k; dx++) {
          const at = ((row * k + dy) * width * k + (col * k + dx)) * 4;
          png.data[at] = rgba[0];
          png.data[at + 1] = rgba[1];
          png.data[at + 2] = rgba[2];
          png.data[at + 3] = rgba[3];
        }
      }
    }
  }
  return PNG.sync.write(png);
}
