import area from '@turf/area';
import { featureCollection, polygon as turfPolygon } from '@turf/helpers';
import intersect from '@turf/intersect';
import union from '@turf/union';
import proj4 from 'proj4';
import { round, type Field, type Polygon, type Zone } from '@shamba/schemas';
import { proj4For } from '@shamba/raster';
import type { Patch } from './despeckle.js';
import type { FieldGrid, GridPixel } from './field-grid.js';

/** Shapes in the grid's CRS, as turf builds them. */
type Square = ReturnType<typeof turfPolygon>;
type Shape = NonNullable<ReturnType<typeof intersect>>;
type Rings = number[][][];

export interface ZoneStat {
  zoneId: string;
  vigourClass: number;
  meanNdvi: number;
  pixels: number;
}

export interface ZonePolygonsInput {
  field: Field;
  grid: FieldGrid;
  /** Patches of vigour classes (class 0 the palest). */
  patches: readonly Patch[];
  /** Per pixel: mean NDVI over the scenes used (NaN where never clear). */
  meanNdvi: readonly number[];
}

/**
 * Each patch a zone, lowest vigour first and larger patches first within a class: its pixels'
 * squares joined, clipped to the field, its largest part, back to lon-lat.
 */
export function zonePolygons(input: ZonePolygonsInput): { zones: Zone[]; zoneStats: ZoneStat[] } {
  const { field, grid, meanNdvi } = input;
  const toLonLat = proj4(proj4For(grid.reference.epsg), 'EPSG:4326');
  const fieldFeature = turfPolygon(grid.polygon.coordinates);
  const ordered = [...input.patches].sort(
    (a, b) => a.label - b.label || b.members.length - a.members.length,
  );
  const classOrder = [...new Set(ordered.map((p) => p.label))];
  const names = vigourNames(classOrder.length);
  const zones: Zone[] = [];
  const zoneStats: ZoneStat[] = [];
  ordered.forEach((patch, i) => {
    const clipped = patchShape(grid, patch, fieldFeature);
    if (clipped === null) return;
    const boundary = lonLatPolygon(largestPart(clipped), toLonLat);
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
  return { zones, zoneStats };
}

/** The patch's pixel squares joined and clipped to the field, in the grid's CRS. */
function patchShape(grid: FieldGrid, patch: Patch, fieldFeature: Square): Shape | null {
  const squares = patch.members.map((k) => pixelSquare(grid, grid.pixels[k]!));
  const joined = squares.length === 1 ? squares[0]! : union(featureCollection(squares));
  return joined === null ? null : intersect(featureCollection([joined, fieldFeature]));
}

/**
 * A pixel's square from its column and row: neighbours compute a shared edge by the very same
 * expression, so their edges coincide bit for bit and the union leaves no sliver between them
 * (centre +- half a pixel differs in the last bit on a grid in degrees).
 */
function pixelSquare(grid: FieldGrid, p: GridPixel): Square {
  const { originX, originY, resolutionX, resolutionY } = grid.reference;
  const x = (col: number) => originX + col * resolutionX;
  const y = (row: number) => originY - row * resolutionY;
  const [x0, x1, y0, y1] = [x(p.col), x(p.col + 1), y(p.row + 1), y(p.row)];
  return turfPolygon([
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ]);
}

/** The largest part (a clip can leave slivers along the boundary). */
function largestPart(shape: Shape): Rings {
  const geometry = shape.geometry;
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return parts
    .map((rings) => ({ rings, a: area(turfPolygon(rings)) }))
    .sort((a, b) => b.a - a.a)[0]!.rings;
}

/** Rings in the grid's CRS to a WGS 84 polygon, to 7 decimals (about 1 cm). */
function lonLatPolygon(rings: Rings, toLonLat: proj4.Converter): Polygon {
  return {
    type: 'Polygon',
    coordinates: rings.map((ring) =>
      ring.map((pt) => {
        const [lon, lat] = toLonLat.forward<[number, number]>([pt[0]!, pt[1]!]);
        return [round(lon, 7), round(lat, 7)] as [number, number];
      }),
    ),
  };
}

/** Names of the vigour classes, lowest first. */
export function vigourNames(classes: number): string[] {
  if (classes === 1) return ['whole field'];
  if (classes === 2) return ['low vigour', 'high vigour'];
  if (classes === 3) return ['low vigour', 'medium vigour', 'high vigour'];
  return Array.from({ length: classes }, (_, i) => `vigour class ${i + 1} of ${classes}`);
}
