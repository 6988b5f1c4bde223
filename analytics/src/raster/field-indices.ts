import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { Polygon } from '@shamba/schemas';
import { projectorTo } from './crs.js';
import type { BandRaster } from './scene-reader.js';
import { round } from '../explain/step-log.js';

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

  const samples: { w: number; ndvi: number; savi: number; ndmi: number | null }[] = [];
  let totalWeight = 0;
  for (let row = row0; row <= row1; row++) {
    for (let col = col0; col <= col1; col++) {
      let inside = 0;
      for (let i = 0; i < SUBSAMPLES; i++) {
        for (let j = 0; j < SUBSAMPLES; j++) {
          const x = red.originX + (col + (i + 0.5) / SUBSAMPLES) * red.resolutionX;
          const y = red.originY - (row + (j + 0.5) / SUBSAMPLES) * red.resolutionY;
          if (booleanPointInPolygon([x, y], polygon)) inside++;
        }
      }
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
      samples.push({
        w,
        ndvi: ndvi(r, n),
        savi: savi(r, n),
        ndmi: n8a === null || sw === null || n8a + sw <= 0 ? null : ndmi(n8a, sw),
      });
    }
  }
  if (totalWeight === 0) return { status: 'outside', validFraction: 0, pixelCount: 0 };
  const validWeight = samples.reduce((s, p) => s + p.w, 0);
  const validFraction = round(validWeight / totalWeight, 4);
  const pixelCount = round(totalWeight, 2);
  if (validFraction < MIN_VALID_FRACTION) return { status: 'cloudy', validFraction, pixelCount };
  const moisture = samples.filter((p): p is typeof p & { ndmi: number } => p.ndmi !== null);
  return {
    status: 'ok',
    validFraction,
    pixelCount,
    ndvi: distribution(samples.map((p) => [p.ndvi, p.w])),
    savi: distribution(samples.map((p) => [p.savi, p.w])),
    ndmi: moisture.length === 0 ? null : distribution(moisture.map((p) => [p.ndmi, p.w])),
  };
}

/** Weighted mean, standard deviation and percentiles (the value where the cumulative weight passes p). */
export function distribution(values: [value: number, weight: number][]): Distribution {
  const sorted = [...values].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, w]) => s + w, 0);
  const mean = sorted.reduce((s, [v, w]) => s + v * w, 0) / total;
  const sd = Math.sqrt(sorted.reduce((s, [v, w]) => s + w * (v - mean) ** 2, 0) / total);
  const percentile = (p: number) => {
    let cumulative = 0;
    for (const [v, w] of sorted) {
      cumulative += w;
      if (cumulative >= p * total - 1e-12) return v;
    }
    return sorted[sorted.length - 1]![0];
  };
  return {
    mean: round(mean, 4),
    sd: round(sd, 4),
    p10: round(percentile(0.1), 4),
    p50: round(percentile(0.5), 4),
    p90: round(percentile(0.9), 4),
  };
}
