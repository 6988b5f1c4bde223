import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pixelCoverage, type PixelGrid } from './pixel-coverage.js';

const N = 4;
const grid: PixelGrid = {
  originX: 1000,
  originY: 5000,
  resolutionX: 10,
  resolutionY: 10,
  col0: 2,
  col1: 21,
  row0: 3,
  row1: 18,
};

/** The reference: @turf/boolean-point-in-polygon on every subsample point. */
function byTurf(rings: number[][][]): Uint8Array {
  const cols = grid.col1 - grid.col0 + 1;
  const counts = new Uint8Array(cols * (grid.row1 - grid.row0 + 1));
  const polygon = { type: 'Polygon' as const, coordinates: rings };
  for (let row = grid.row0; row <= grid.row1; row++)
    for (let col = grid.col0; col <= grid.col1; col++)
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          const x = grid.originX + (col + (i + 0.5) / N) * grid.resolutionX;
          const y = grid.originY - (row + (j + 0.5) / N) * grid.resolutionY;
          if (booleanPointInPolygon([x, y], polygon))
            counts[(row - grid.row0) * cols + col - grid.col0]!++;
        }
  return counts;
}

// Vertices anywhere over the grid and a little beyond, off the subsample lattice.
const point = fc.tuple(
  fc.double({ min: 990, max: 1230, noNaN: true }),
  fc.double({ min: 4800, max: 5010, noNaN: true }),
);
const ring = (points: [number, number][]) => [...points, points[0]!];

describe('pixel coverage', () => {
  it('counts the same subsamples inside as turf, for any simple quadrilateral or triangle', () => {
    // A star-shaped polygon around a centre is simple whatever the radii.
    const polygon = fc
      .tuple(
        point,
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
            fc.double({ min: 5, max: 90, noNaN: true }),
          ),
          {
            minLength: 3,
            maxLength: 8,
          },
        ),
      )
      .map(([[cx, cy], spokes]) =>
        ring(
          spokes
            .sort((a, b) => a[0] - b[0])
            .map(([angle, radius]) => [
              cx + radius * Math.cos(angle),
              cy + radius * Math.sin(angle),
            ]),
        ),
      );
    fc.assert(
      fc.property(polygon, (outer) => {
        expect(Array.from(pixelCoverage([outer], grid, N))).toEqual(Array.from(byTurf([outer])));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a hole out, as turf does', () => {
    const outer = ring([
      [1021.3, 4968.9],
      [1207.7, 4971.2],
      [1199.1, 4822.6],
      [1018.4, 4830.3],
    ]);
    const hole = ring([
      [1080.2, 4930.1],
      [1080.9, 4870.4],
      [1150.6, 4871.7],
      [1149.3, 4929.8],
    ]);
    const counts = pixelCoverage([outer, hole], grid, N);
    expect(Array.from(counts)).toEqual(Array.from(byTurf([outer, hole])));
    // A pixel in the middle of the hole is empty; one in the band around it is full.
    const at = (x: number, y: number) =>
      counts[
        (Math.floor((5000 - y) / 10) - grid.row0) * 20 + Math.floor((x - 1000) / 10) - grid.col0
      ];
    expect(at(1115, 4900)).toBe(0);
    expect(at(1055, 4900)).toBe(16);
  });
});
