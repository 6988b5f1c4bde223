import area from '@turf/area';
import { featureCollection, polygon as turfPolygon } from '@turf/helpers';
import intersect from '@turf/intersect';
import union from '@turf/union';
import proj4 from 'proj4';
import { round, type Field, type Polygon, type Zone } from '@shamba/schemas';
import {
  proj4For,
  pixelCoverage,
  USABLE_SCL,
  fieldPixels,
  ndvi,
  sample,
  sceneClass,
  type SceneBands,
} from '@shamba/raster';
import { bestClassCount, fuzzyKMeans, type FuzzyResult } from './fuzzy-k-means.js';

/** A scene counts when at least this share of the field's pixels is clear in it. */
export const MIN_CLEAR_SHARE = 0.5;
/** Below this many pixels (about 0.2 ha at 10 m) a field is not split. */
export const MIN_FIELD_PIXELS = 20;
/**
 * A field whose pixels' mean NDVI spans less than this (p10 to p90) is uniform: one zone. A
 * Sentinel-2 pixel's NDVI over an even crop scatters by about 0.01-0.02 on one date and less
 * averaged over several; pure noise of 0.01 spans 0.026 from p10 to p90.
 */
export const UNIFORM_NDVI_SPREAD = 0.03;

export interface ZoneDelineation {
  status: 'ok' | 'uniform' | 'too-few-pixels' | 'no-clear-scene';
  reason: string | null;
  zones: Zone[];
  /** Classes chosen by FPI and NCE (Fridgen et al. 2004), and every c tried. */
  classCount: number;
  validity: { c: number; fpi: number; nce: number }[];
  scenesUsed: string[];
  pixels: number;
  /** Per zone: mean NDVI over the scenes used and its pixels, lowest vigour first. */
  zoneStats: { zoneId: string; vigourClass: number; meanNdvi: number; pixels: number }[];
}

interface Pixel {
  col: number;
  row: number;
  x: number;
  y: number;
  ndvi: (number | null)[];
}

/**
 * Management zones for a field from its NDVI history (issue 5): per-date NDVI standardized over
 * the field (relative vigour that date), clustered by fuzzy k-means for 2 to 5 classes, the
 * count chosen by FPI and NCE; speckle removed by a 3x3 majority filter and by merging patches
 * smaller than 3 % of the field into their neighbours; each remaining patch a zone, its pixels'
 * squares joined and clipped to the field, in WGS 84.
 */
export function delineateZones(input: {
  field: Field;
  scenes: readonly { sceneId: string; bands: SceneBands }[];
  maxZones?: number;
}): ZoneDelineation {
  const { field } = input;
  const empty = (
    status: ZoneDelineation['status'],
    reason: string,
    extra: Partial<ZoneDelineation> = {},
  ) => ({
    status,
    reason,
    zones: [],
    classCount: 1,
    validity: [],
    scenesUsed: [],
    pixels: 0,
    zoneStats: [],
    ...extra,
  });
  const reference = input.scenes[0]?.bands.B04;
  if (reference === undefined) return empty('no-clear-scene', 'no scene of the field');
  const { polygon, col0, col1, row0, row1 } = fieldPixels(reference, field.boundary);
  // The field's pixels: those whose centre is inside it (one subsample a pixel).
  const inside = pixelCoverage(polygon.coordinates, { ...reference, col0, col1, row0, row1 }, 1);
  const pixels: Pixel[] = [];
  for (let row = row0; row <= row1; row++)
    for (let col = col0; col <= col1; col++) {
      if (inside[(row - row0) * (col1 - col0 + 1) + col - col0] === 0) continue;
      const x = reference.originX + (col + 0.5) * reference.resolutionX;
      const y = reference.originY - (row + 0.5) * reference.resolutionY;
      pixels.push({ col, row, x, y, ndvi: [] });
    }
  if (pixels.length < MIN_FIELD_PIXELS)
    return empty('too-few-pixels', `${pixels.length} pixels: too small a field to split`, {
      pixels: pixels.length,
    });

  // NDVI of each pixel in each scene on the reference grid; scenes in another CRS, or mostly
  // cloudy over the field, are left out.
  const used: string[] = [];
  for (const scene of input.scenes) {
    const { B04: red, B08: nir, SCL } = scene.bands;
    if (red.epsg !== reference.epsg) continue;
    const values = pixels.map((p) => {
      const cls = SCL === undefined ? 4 : sceneClass(SCL, p.x, p.y);
      const r = sample(red, p.x, p.y);
      const n = sample(nir, p.x, p.y);
      return cls === null || !USABLE_SCL.has(cls) || r === null || n === null || r + n <= 0
        ? null
        : ndvi(r, n);
    });
    if (values.filter((v) => v !== null).length < MIN_CLEAR_SHARE * pixels.length) continue;
    used.push(scene.sceneId);
    pixels.forEach((p, k) => p.ndvi.push(values[k]!));
  }
  if (used.length === 0)
    return empty('no-clear-scene', 'no scene shows the field clearly', { pixels: pixels.length });

  // Relative vigour per date: z-scores over the field; a cloudy pixel that date sits at the mean.
  const features = pixels.map(() => new Array<number>(used.length).fill(0));
  used.forEach((_, s) => {
    const v = pixels.flatMap((p) => (p.ndvi[s] === null ? [] : [p.ndvi[s]!]));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1;
    pixels.forEach((p, k) => (features[k]![s] = p.ndvi[s] === null ? 0 : (p.ndvi[s]! - mean) / sd));
  });
  const meanNdvi = pixels.map((p) => {
    const v = p.ndvi.filter((x): x is number => x !== null);
    return v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0) / v.length;
  });
  const sorted = meanNdvi.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const spread =
    sorted[Math.floor(0.9 * (sorted.length - 1))]! - sorted[Math.floor(0.1 * (sorted.length - 1))]!;
  if (spread < UNIFORM_NDVI_SPREAD)
    return empty(
      'uniform',
      `NDVI p10-p90 spread ${round(spread, 3)} < ${UNIFORM_NDVI_SPREAD}: one zone`,
      {
        pixels: pixels.length,
        scenesUsed: used,
      },
    );

  const maxC = Math.max(2, Math.min(input.maxZones ?? 5, Math.floor(pixels.length / 4)));
  const results: FuzzyResult[] = [];
  for (let c = 2; c <= maxC; c++) results.push(fuzzyKMeans(features, c));
  const best = bestClassCount(results);
  // Classes ordered by vigour: class 0 the palest.
  const classVigour = best.centres.map((v, i) => ({ i, v: v.reduce((a, b) => a + b, 0) }));
  classVigour.sort((a, b) => a.v - b.v);
  const rankOf = new Map(classVigour.map((c, rank) => [c.i, rank]));
  let labels = best.memberships.map((u) => rankOf.get(u.indexOf(Math.max(...u)))!);

  // Speckle: a 3x3 majority filter, twice, then small patches merged into their neighbours.
  const width = col1 - col0 + 1;
  const at = new Map(pixels.map((p, k) => [(p.row - row0) * width + (p.col - col0), k]));
  const neighbours = (k: number, diagonal: boolean) => {
    const p = pixels[k]!;
    const out: number[] = [];
    for (let dr = -1; dr <= 1; dr++)
      for (let dc = -1; dc <= 1; dc++) {
        if ((dr === 0 && dc === 0) || (!diagonal && dr !== 0 && dc !== 0)) continue;
        const j = at.get((p.row + dr - row0) * width + (p.col + dc - col0));
        if (j !== undefined && p.col + dc >= col0 && p.col + dc <= col1) out.push(j);
      }
    return out;
  };
  for (let pass = 0; pass < 2; pass++) {
    labels = labels.map((label, k) => {
      const counts = new Map<number, number>();
      for (const j of neighbours(k, true))
        counts.set(labels[j]!, (counts.get(labels[j]!) ?? 0) + 1);
      const [top, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [label, 0];
      return count >= 5 && top !== label ? top : label;
    });
  }
  const minPatch = Math.max(3, Math.ceil(0.03 * pixels.length));
  let patches = components(labels, (k) => neighbours(k, false));
  for (let guard = 0; guard < 50; guard++) {
    const small = patches.find((p) => p.members.length < minPatch && patches.length > 1);
    if (small === undefined) break;
    const border = new Map<number, number>();
    for (const k of small.members)
      for (const j of neighbours(k, false))
        if (labels[j] !== small.label) border.set(labels[j]!, (border.get(labels[j]!) ?? 0) + 1);
    const into = [...border.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (into === undefined) break;
    for (const k of small.members) labels[k] = into;
    patches = components(labels, (k) => neighbours(k, false));
  }

  // Each patch a zone: pixel squares joined, clipped to the field, back to lon-lat.
  const toLonLat = proj4(proj4For(reference.epsg), 'EPSG:4326');
  const half = { x: reference.resolutionX / 2, y: reference.resolutionY / 2 };
  const fieldFeature = turfPolygon(polygon.coordinates);
  const ordered = [...patches].sort(
    (a, b) => a.label - b.label || b.members.length - a.members.length,
  );
  const names = vigourNames(new Set(ordered.map((p) => p.label)).size);
  const classOrder = [...new Set(ordered.map((p) => p.label))];
  const zones: Zone[] = [];
  const zoneStats: ZoneDelineation['zoneStats'] = [];
  ordered.forEach((patch, i) => {
    const squares = patch.members.map((k) => {
      const p = pixels[k]!;
      return turfPolygon([
        [
          [p.x - half.x, p.y - half.y],
          [p.x + half.x, p.y - half.y],
          [p.x + half.x, p.y + half.y],
          [p.x - half.x, p.y + half.y],
          [p.x - half.x, p.y - half.y],
        ],
      ]);
    });
    const joined = squares.length === 1 ? squares[0]! : union(featureCollection(squares));
    const clipped = joined === null ? null : intersect(featureCollection([joined, fieldFeature]));
    if (clipped === null) return;
    const geometry = clipped.geometry;
    // The largest part (a clip can leave slivers along the boundary).
    const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    const largest = parts
      .map((rings) => ({ rings, a: area(turfPolygon(rings)) }))
      .sort((a, b) => b.a - a.a)[0]!.rings;
    const boundary: Polygon = {
      type: 'Polygon',
      coordinates: largest.map((ring) =>
        ring.map((pt) => {
          const [lon, lat] = toLonLat.forward<[number, number]>([pt[0]!, pt[1]!]);
          return [round(lon, 7), round(lat, 7)] as [number, number];
        }),
      ),
    };
    const id = `${field.id}-z${i + 1}`;
    const vigourClass = classOrder.indexOf(patch.label);
    const areaHa = round(area(boundary) / 10_000, 3);
    zones.push({ id, name: `zone ${i + 1} (${names[vigourClass]})`, boundary, areaHa });
    const values = patch.members.map((k) => meanNdvi[k]!).filter((v) => !Number.isNaN(v));
    zoneStats.push({
      zoneId: id,
      vigourClass,
      meanNdvi: round(values.reduce((a, b) => a + b, 0) / values.length, 3),
      pixels: patch.members.length,
    });
  });
  return {
    status: 'ok',
    reason: null,
    zones,
    classCount: best.c,
    validity: results.map((r) => ({ c: r.c, fpi: round(r.fpi, 4), nce: round(r.nce, 4) })),
    scenesUsed: used,
    pixels: pixels.length,
    zoneStats,
  };
}

function components(labels: readonly number[], neighbours: (k: number) => number[]) {
  const seen = new Array<boolean>(labels.length).fill(false);
  const out: { label: number; members: number[] }[] = [];
  for (let start = 0; start < labels.length; start++) {
    if (seen[start]) continue;
    const members: number[] = [];
    const stack = [start];
    seen[start] = true;
    while (stack.length > 0) {
      const k = stack.pop()!;
      members.push(k);
      for (const j of neighbours(k))
        if (!seen[j] && labels[j] === labels[start]) {
          seen[j] = true;
          stack.push(j);
        }
    }
    out.push({ label: labels[start]!, members });
  }
  return out;
}

function vigourNames(classes: number): string[] {
  if (classes === 1) return ['whole field'];
  if (classes === 2) return ['low vigour', 'high vigour'];
  if (classes === 3) return ['low vigour', 'medium vigour', 'high vigour'];
  return Array.from({ length: classes }, (_, i) => `vigour class ${i + 1} of ${classes}`);
}
