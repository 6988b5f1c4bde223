import { round, type Polygon } from '@shamba/schemas';
import { projectorTo } from '../crs.js';
import { pixelCoverage } from './pixel-coverage.js';
import type { BandRaster } from '../scenes/scene-reader.js';

/**
 * Sentinel-2 L2A scene classification values that leave a pixel usable for vegetation indices
 * (ESA S2 L2A product specification, SCL): 4 vegetation, 5 not vegetated, 6 water,
 * 7 unclassified. Everything else (no data, defective, dark, cloud shadow, clouds, cirrus,
 * snow) is masked.
 */
export const USABLE_SCL = new Set([4, 5, 6, 7]);

/** Below this share of the field's area seen clear, the field is reported cloudy, not as a number. */
export const MIN_VALID_FRACTION = 0.3;

/** Sub-pixel samples per axis for partial pixels on the boundary: 4 x 4 = area to 1/16. */
const SUBSAMPLES = 4;

export interface Distribution {
  mean: number;
  sd: number;
  p10: number;
  p50: number;
  p90: number;
}

export type FieldIndices =
  | {
      status: 'ok';
      validFraction: number;
      pixelCount: number;
      ndvi: Distribution;
      savi: Distribution;
      ndmi: Distribution | null;
    }
  | { status: 'cloudy'; validFraction: number; pixelCount: number }
  | { status: 'outside'; validFraction: 0; pixelCount: 0 };

export interface SceneBands {
  B04: BandRaster;
  B08: BandRaster;
  SCL?: BandRaster;
  B8A?: BandRaster;
  B11?: BandRaster;
}

/**
 * The mean of an index from stored indices (a `FieldIndices` as the registry keeps it), or null
 * when the field was cloudy, outside the scene, or the index was not computed.
 */
export function indexMean(indices: unknown, index: 'ndvi' | 'savi' | 'ndmi'): number | null {
  const i = indices as { status?: string } & Partial<Record<typeof index, Distribution | null>>;
  return i?.status === 'ok' ? (i[index]?.mean ?? null) : null;
}

/** NDVI, Rouse et al. 1974. */
export const ndvi = (red: number, nir: number) => (nir - red) / (nir + red);
/** Soil-adjusted vegetation index with L = 0.5, Huete 1988 (Remote Sens. Environ. 25:295). */
export const savi = (red: number, nir: number) => (1.5 * (nir - red)) / (nir + red + 0.5);
/** Normalized difference moisture index from narrow NIR and SWIR-1 (Gao 1996's NDWI). */
export const ndmi = (nir8a: number, swir: number) => (nir8a - swir) / (nir8a + swir);

/** The value of `band` at map coordinates (x, y), as reflectance; null outside or no data. */
export function sample(band: BandRaster, x: number, y: number): number | null {
  const col = Math.floor((x - band.originX) / band.resolutionX);
  const row = Math.floor((band.originY - y) / band.resolutionY);
  if (col < 0 || row < 0 || col >= band.width || row >= band.height) return null;
  const raw = band.values[row * band.width + col]!;
  if (band.nodata !== null && raw === band.nodata) return null;
  return raw * band.scale + band.offset;
}

/** The scene classification (SCL) at map coordinates (x, y); null outside the band. */
export function sceneClass(band: BandRaster, x: number, y: number): number | null {
  const col = Math.floor((x - band.originX) / band.resolutionX);
  const row = Math.floor((band.originY - y) / band.resolutionY);
  if (col < 0 || row < 0 || col >= band.width || row >= band.height) return null;
  return band.values[row * band.width + col]!;
}

/**
 * A field on a band's pixel grid: its boundary projected into the band's CRS, and the range of
 * columns and rows its bounding box covers, clamped to the band.
 */
export function fieldPixels(band: BandRaster, boundary: Polygon) {
  const project = projectorTo(band.epsg);
  const polygon = {
    type: 'Polygon' as const,
    coordinates: boundary.coordinates.map((ring) => ring.map((p) => project(p))),
  };
  const xs = polygon.coordinates[0]!.map((p) => p[0]);
  const ys = polygon.coordinates[0]!.map((p) => p[1]);
  return {
    polygon,
    col0: Math.max(0, Math.floor((Math.min(...xs) - band.originX) / band.resolutionX)),
    col1: Math.min(band.width - 1, Math.floor((Math.max(...xs) - band.originX) / band.resolutionX)),
    row0: Math.max(0, Math.floor((band.originY - Math.max(...ys)) / band.resolutionY)),
    row1: Math.min(
      band.height - 1,
      Math.floor((band.originY - Math.min(...ys)) / band.resolutionY),
    ),
  };
}

/**
 * Per-field statistics on the 10 m grid of B04/B08: each pixel weighs by the share of its area
 * inside the polygon (holes included), so a small plot's edge pixels count as much as they
 * cover. NDMI's 20 m bands are read at each 10 m pixel's centre (nearest neighbour).
 */
export function fieldIndices(bands: SceneBands, boundary: Polygon): FieldIndices {
  const { B04: red, B08: nir } = bands;
  const { polygon, col0, col1, row0, row1 } = fieldPixels(red, boundary);
  // A zone beyond the raster's edge (a scene that ends inside the field): none of it seen.
  if (col0 > col1 || row0 > row1) return { status: 'outside', validFraction: 0, pixelCount: 0 };

  // Valid pixels' weights and indices, in parallel arrays (a field has at most its box's pixels).
  const capacity = (col1 - col0 + 1) * (row1 - row0 + 1);
  const weights = new Float64Array(capacity);
  const ndvis = new Float64Array(capacity);
  const savis = new Float64Array(capacity);
  const moistureWeights = new Float64Array(capacity);
  const ndmis = new Float64Array(capacity);
  let valid = 0;
  let moist = 0;
  let validWeight = 0;
  let totalWeight = 0;
  const coverage = pixelCoverage(
    polygon.coordinates,
    { ...red, col0, col1, row0, row1 },
    SUBSAMPLES,
  );
  const cols = col1 - col0 + 1;
  for (let row = row0; row <= row1; row++) {
    for (let col = col0; col <= col1; col++) {
      const inside = coverage[(row - row0) * cols + col - col0]!;
      if (inside === 0) continue;
      const w = inside / SUBSAMPLES ** 2;
      totalWeight += w;
      const x = red.originX + (col + 0.5) * red.resolutionX;
      const y = red.originY - (row + 0.5) * red.resolutionY;
      const cls = bands.SCL === undefined ? 4 : sceneClass(bands.SCL, x, y);
      const r = sample(red, x, y);
      const n = sample(nir, x, y);
      if (cls === null || !USABLE_SCL.has(cls) || r === null || n === null || r + n <= 0) continue;
      const n8a = bands.B8A === undefined ? null : sample(bands.B8A, x, y);
      const sw = bands.B11 === undefined ? null : sample(bands.B11, x, y);
      weights[valid] = w;
      ndvis[valid] = ndvi(r, n);
      savis[valid] = savi(r, n);
      valid++;
      validWeight += w;
      if (n8a !== null && sw !== null && n8a + sw > 0) {
        moistureWeights[moist] = w;
        ndmis[moist] = ndmi(n8a, sw);
        moist++;
      }
    }
  }
  if (totalWeight === 0) return { status: 'outside', validFraction: 0, pixelCount: 0 };
  const validFraction = round(validWeight / totalWeight, 4);
  const pixelCount = round(totalWeight, 2);
  if (validFraction < MIN_VALID_FRACTION) return { status: 'cloudy', validFraction, pixelCount };
  return {
    status: 'ok',
    validFraction,
    pixelCount,
    ndvi: distribution(ndvis, weights, valid),
    savi: distribution(savis, weights, valid),
    ndmi: moist === 0 ? null : distribution(ndmis, moistureWeights, moist),
  };
}

/**
 * Weighted mean, standard deviation and percentiles (the value where the cumulative weight
 * passes p) of `values` with `weights` (the first `count` entries; all by default).
 */
export function distribution(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  count = values.length,
): Distribution {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < count; i++) {
    total += weights[i]!;
    weighted += values[i]! * weights[i]!;
  }
  const mean = weighted / total;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += weights[i]! * (values[i]! - mean) ** 2;
  const sd = Math.sqrt(squares / total);
  const percentile = (p: number) => {
    let cumulative = 0;
    for (let k = 0; k < count; k++) {
      cumulative += weights[order[k]!]!;
      if (cumulative >= p * total - 1e-12) return values[order[k]!]!;
    }
    return values[order[count - 1]!]!;
  };
  return {
    mean: round(mean, 4),
    sd: round(sd, 4),
    p10: round(percentile(0.1), 4),
    p50: round(percentile(0.5), 4),
    p90: round(percentile(0.9), 4),
  };
}
