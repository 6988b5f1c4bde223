// The type-2 grid of an ISOXML task (ISO 11783-10, element GRD): cells in rows
// from the grid's south-west corner, rows south to north and cells west to east; in a type-2
// grid each cell holds, for each PDV of the TZN the GRD names (attribute J), a 32-bit signed
// little-endian process data value; 0 outside every zone (as isoxml-js's cell-centre generator).
import { bboxOf, pointInRings, orientedRings, type Position } from './rings.js';
import type { Polygon } from '@shamba/schemas';

/** Metres in a degree of latitude (WGS 84 mean, to 0.5%: cells need not be exact squares). */
const M_PER_DEG_LAT = 111_320;
/** A cell of 5 m: a fertiliser spreader's or a sprinkler's resolution is coarser. */
const CELL_M = 5;
/**
 * At most 250 cells a side (250 x 250 x 4 bytes = 250 kB, a small file for a terminal's USB
 * stick or a Task Controller's memory); a bigger field gets bigger cells.
 */
export const MAX_GRID_CELLS_PER_SIDE = 250;

export interface GridSpec {
  minNorthDeg: number;
  minEastDeg: number;
  cellNorthDeg: number;
  cellEastDeg: number;
  columns: number;
  rows: number;
}

/** A grid covering the polygons' bounding box with cells of about CELL_M (or larger). */
export function gridOver(polygons: readonly Polygon[]): GridSpec {
  const box = bboxOf(polygons.flatMap((p) => p.coordinates as Position[][]));
  const heightM = (box.yMax - box.yMin) * M_PER_DEG_LAT;
  const midLatRad = (((box.yMin + box.yMax) / 2) * Math.PI) / 180;
  const widthM = (box.xMax - box.xMin) * M_PER_DEG_LAT * Math.cos(midLatRad);
  const cellM = Math.max(CELL_M, Math.max(heightM, widthM) / MAX_GRID_CELLS_PER_SIDE);
  const cellNorthDeg = cellM / M_PER_DEG_LAT;
  const cellEastDeg = cellM / (M_PER_DEG_LAT * Math.cos(midLatRad));
  return {
    minNorthDeg: box.yMin,
    minEastDeg: box.xMin,
    cellNorthDeg,
    cellEastDeg,
    columns: Math.max(1, Math.ceil((box.xMax - box.xMin) / cellEastDeg)),
    rows: Math.max(1, Math.ceil((box.yMax - box.yMin) / cellNorthDeg)),
  };
}

/** The centre of a cell, [east, north] degrees. */
export function cellCentre(grid: GridSpec, row: number, column: number): Position {
  return [
    grid.minEastDeg + (column + 0.5) * grid.cellEastDeg,
    grid.minNorthDeg + (row + 0.5) * grid.cellNorthDeg,
  ];
}

/**
 * The type-2 grid's bytes: each cell the value of the first zone whose polygon holds the
 * cell's centre, `outside` where none does.
 */
export function gridBytes(
  grid: GridSpec,
  zones: readonly { boundary: Polygon; value: number }[],
  outside: number,
): Uint8Array {
  const rings = zones.map((z) => orientedRings(z.boundary, false));
  const out = new Uint8Array(grid.rows * grid.columns * 4);
  const view = new DataView(out.buffer);
  for (let row = 0; row < grid.rows; row++)
    for (let column = 0; column < grid.columns; column++) {
      const centre = cellCentre(grid, row, column);
      const zone = rings.findIndex((r) => pointInRings(centre, r));
      const value = zone === -1 ? outside : zones[zone]!.value;
      view.setInt32((row * grid.columns + column) * 4, value, true);
    }
  return out;
}
