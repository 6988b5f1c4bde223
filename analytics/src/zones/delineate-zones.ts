import area from '@turf/area';
import { round, type Field, type Zone } from '@shamba/schemas';
import { USABLE_SCL, ndvi, sample, sceneClass, type SceneBands } from '@shamba/raster';
import { despeckle } from './despeckle.js';
import { fieldGrid, type FieldGrid } from './field-grid.js';
import { bestClassCount, fuzzyKMeans, type FuzzyResult } from './fuzzy-k-means.js';
import { maxClassesForArea, minZoneAreaHa } from './zone-area.js';
import { zonePolygons } from './zone-polygons.js';

/** A scene counts when at least this share of the field's pixels is clear in it. */
export const MIN_CLEAR_SHARE = 0.5;
/**
 * Clear scenes needed before a field is split. A pattern seen on one date may be a passing state
 * (an irrigation set, a patch of late emergence, haze the mask missed); zones are where the
 * pattern is stable over time, which takes several dates: Blackmore (2000, Comput. Electron.
 * Agric. 26:37-51) classifies yield maps by spatial and temporal trend over several seasons and
 * calls a field's variation stable only where it repeats. Three dates is the least on which one
 * odd date cannot pass for a pattern, i.e. a majority of at least two agrees.
 */
export const MIN_CLEAR_SCENES = 3;
/** Below this many pixels (about 0.2 ha at 10 m) a field is not split. */
export const MIN_FIELD_PIXELS = 20;
/**
 * A field whose pixels' mean NDVI spans less than this (p10 to p90) is uniform: one zone. A
 * Sentinel-2 pixel's NDVI over an even crop scatters by about 0.01-0.02 on one date and less
 * averaged over several; pure noise of 0.01 spans 0.026 from p10 to p90.
 */
export const UNIFORM_NDVI_SPREAD = 0.03;
/** Classes tried at most unless the caller says otherwise: 2 to 5, as above. */
const DEFAULT_MAX_ZONES = 5;

export type DelineationStatus =
  'ok' | 'uniform' | 'too-few-pixels' | 'too-small' | 'no-clear-scene' | 'too-few-scenes';

export interface ZoneDelineation {
  status: DelineationStatus;
  reason: string | null;
  zones: Zone[];
  /** Vigour classes among the zones (after small patches merged into their neighbours). */
  classCount: number;
  /** Classes chosen by FPI and NCE (Fridgen et al. 2004), and every c tried. */
  validity: { c: number; fpi: number; nce: number }[];
  scenesUsed: string[];
  pixels: number;
  /** The smallest zone allowed on this field, ha: max(0.1 ha, 10 % of the field). */
  minZoneAreaHa: number | null;
  /** Per zone: mean NDVI over the scenes used and its pixels, lowest vigour first. */
  zoneStats: { zoneId: string; vigourClass: number; meanNdvi: number; pixels: number }[];
}

export interface DelineateZonesInput {
  field: Field;
  scenes: readonly { sceneId: string; bands: SceneBands }[];
  maxZones?: number;
}

/**
 * Management zones for a field from its NDVI history (issue 5): per-date NDVI standardized over
 * the field (relative vigour that date), clustered by fuzzy k-means for 2 to 5 classes (fewer on
 * a field too small for them), the count chosen by FPI and NCE; speckle removed by a 3x3 majority
 * filter and by merging patches smaller than the minimum zone into their neighbours; each
 * remaining patch a zone, its pixels' squares joined and clipped to the field, in WGS 84. Needs
 * MIN_CLEAR_SCENES clear scenes.
 */
export function delineateZones(input: DelineateZonesInput): ZoneDelineation {
  const reference = input.scenes[0]?.bands.B04;
  if (reference === undefined) return unsplit('no-clear-scene', 'no scene of the field');
  const grid = fieldGrid(reference, input.field.boundary);
  const pixels = grid.pixels.length;
  if (pixels < MIN_FIELD_PIXELS)
    return unsplit('too-few-pixels', `${pixels} pixels: too small a field to split`, { pixels });
  const { scenesUsed, ndvi } = clearNdvi(grid, input.scenes);
  if (scenesUsed.length === 0)
    return unsplit('no-clear-scene', 'no scene shows the field clearly', { pixels });
  if (scenesUsed.length < MIN_CLEAR_SCENES) return tooFewScenes(scenesUsed, { pixels });
  // The field's geodesic area, and its pixels' mean share of it (a pixel's ground area in any
  // CRS, degrees included; each pixel has its centre inside the field).
  const areaHa = area(input.field.boundary) / 10_000;
  const pixelHa = areaHa / pixels;
  const minZoneHa = minZoneAreaHa(areaHa);
  const sized = { pixels, scenesUsed, minZoneAreaHa: round(minZoneHa, 3) };
  const areaClasses = maxClassesForArea(areaHa);
  if (areaClasses < 2) {
    const reason = `${round(areaHa, 2)} ha holds no two zones of at least ${round(minZoneHa, 2)} ha`;
    return unsplit('too-small', reason, sized);
  }
  const meanNdvi = ndvi.map(meanOfClear);
  const spread = ndviSpread(meanNdvi);
  if (spread < UNIFORM_NDVI_SPREAD) {
    const reason = `NDVI p10-p90 spread ${round(spread, 3)} < ${UNIFORM_NDVI_SPREAD}: one zone`;
    return unsplit('uniform', reason, sized);
  }
  // At most what the area allows, at least 4 pixels a class, and 2 classes whatever the field.
  const requested = input.maxZones ?? DEFAULT_MAX_ZONES;
  const maxC = Math.max(2, Math.min(requested, areaClasses, Math.floor(pixels / 4)));
  const { results, labels } = classifyVigour(relativeVigour(ndvi, scenesUsed.length), maxC);
  const minPatchPixels = Math.ceil(minZoneHa / pixelHa - 1e-9);
  const patches = despeckle(labels, grid.neighbours, { minPatchPixels });
  if (patches.length < 2) {
    const reason = `no two zones of at least ${round(minZoneHa, 2)} ha differ in vigour: one zone`;
    return unsplit('uniform', reason, sized);
  }
  const { zones, zoneStats } = zonePolygons({ field: input.field, grid, patches, meanNdvi });
  return {
    status: 'ok',
    reason: null,
    zones,
    classCount: new Set(patches.map((p) => p.label)).size,
    validity: results.map((r) => ({ c: r.c, fpi: round(r.fpi, 4), nce: round(r.nce, 4) })),
    ...sized,
    zoneStats,
  };
}

/** The answer when fewer than MIN_CLEAR_SCENES scenes show the field clearly. */
export function tooFewScenes(
  scenesUsed: readonly string[],
  extra: Partial<ZoneDelineation> = {},
): ZoneDelineation {
  const reason =
    `${scenesUsed.length} clear scene${scenesUsed.length === 1 ? '' : 's'} of the field; ` +
    `zones need at least ${MIN_CLEAR_SCENES}, so that a pattern seen on one date is not taken ` +
    'for a stable one (Blackmore 2000): delineate again after the next clear overpasses';
  return unsplit('too-few-scenes', reason, { ...extra, scenesUsed: [...scenesUsed] });
}

/** A delineation that leaves the field whole, and why. */
function unsplit(
  status: ZoneDelineation['status'],
  reason: string,
  extra: Partial<ZoneDelineation> = {},
): ZoneDelineation {
  return {
    status,
    reason,
    zones: [],
    classCount: 1,
    validity: [],
    scenesUsed: [],
    pixels: 0,
    minZoneAreaHa: null,
    zoneStats: [],
    ...extra,
  };
}

/**
 * NDVI of each pixel (ndvi[pixel][scene]) in each scene on the reference grid, null where not
 * clear; scenes in another CRS, or mostly cloudy over the field, are left out.
 */
function clearNdvi(grid: FieldGrid, scenes: DelineateZonesInput['scenes']) {
  const scenesUsed: string[] = [];
  const ndvi = grid.pixels.map((): (number | null)[] => []);
  for (const scene of scenes) {
    if (scene.bands.B04.epsg !== grid.reference.epsg) continue;
    const values = sceneNdvi(grid, scene.bands);
    if (values.filter((v) => v !== null).length < MIN_CLEAR_SHARE * grid.pixels.length) continue;
    scenesUsed.push(scene.sceneId);
    ndvi.forEach((pixel, k) => pixel.push(values[k]!));
  }
  return { scenesUsed, ndvi };
}

/** One scene's NDVI at each of the field's pixels: null under cloud, shadow or without signal. */
function sceneNdvi(grid: FieldGrid, bands: SceneBands): (number | null)[] {
  const { B04: red, B08: nir, SCL } = bands;
  return grid.pixels.map((p) => {
    // Without a scene classification every pixel counts as vegetation (SCL 4).
    const cls = SCL === undefined ? 4 : sceneClass(SCL, p.x, p.y);
    const r = sample(red, p.x, p.y);
    const n = sample(nir, p.x, p.y);
    return cls === null || !USABLE_SCL.has(cls) || r === null || n === null || r + n <= 0
      ? null
      : ndvi(r, n);
  });
}

/**
 * Relative vigour per date: z-scores over the field (features[pixel][scene]); a cloudy pixel
 * that date sits at the mean.
 */
function relativeVigour(ndvi: readonly (readonly (number | null)[])[], sceneCount: number) {
  const features = ndvi.map(() => new Array<number>(sceneCount).fill(0));
  for (let s = 0; s < sceneCount; s++) {
    const v = ndvi.flatMap((p) => (p[s] === null ? [] : [p[s]!]));
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1;
    ndvi.forEach((p, k) => (features[k]![s] = p[s] === null ? 0 : (p[s]! - mean) / sd));
  }
  return features;
}

/** A pixel's mean NDVI over the scenes where it is clear; NaN when it never is. */
function meanOfClear(pixelNdvi: readonly (number | null)[]): number {
  const v = pixelNdvi.filter((x): x is number => x !== null);
  return v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0) / v.length;
}

/** The p10 to p90 spread of the pixels' mean NDVI. */
function ndviSpread(meanNdvi: readonly number[]): number {
  const sorted = meanNdvi.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
  return at(0.9) - at(0.1);
}

/**
 * Fuzzy k-means for 2 to maxC classes, the count chosen by FPI and NCE (Fridgen et al. 2004);
 * each pixel labelled with its class of highest membership, classes ranked by vigour (0 the
 * palest).
 */
function classifyVigour(features: readonly (readonly number[])[], maxC: number) {
  const results: FuzzyResult[] = [];
  for (let c = 2; c <= maxC; c++) results.push(fuzzyKMeans(features, c));
  const best = bestClassCount(results);
  const classVigour = best.centres.map((v, i) => ({ i, v: v.reduce((a, b) => a + b, 0) }));
  classVigour.sort((a, b) => a.v - b.v);
  const rankOf = new Map(classVigour.map((c, rank) => [c.i, rank]));
  const labels = best.memberships.map((u) => rankOf.get(u.indexOf(Math.max(...u)))!);
  return { results, best, labels };
}
