/**
 * How much of each pixel of a grid a polygon covers, as the count of a pixel's `n` x `n`
 * subsample points (at (i + 0.5) / n of the pixel) that fall inside it; holes are outside
 * (even-odd rule over every ring, as a point-in-polygon test counts crossings).
 *
 * Scanline: for each row of subsample points, the rings' crossings of that line are found once
 * and sorted, and the points between each pair are inside. This is the same test as calling
 * @turf/boolean-point-in-polygon on every subsample (a property test holds the two to the same
 * counts), but costs one pass over the edges per subsample row instead of one per point: for
 * a 20 ha field at 10 m (about 45 x 45 pixels, 4 x 4 subsamples), 180 line passes instead of
 * 32,000 point tests.
 */
export interface PixelGrid {
  /** Map x of the left edge of column 0, and y of the top edge of row 0. */
  originX: number;
  originY: number;
  resolutionX: number;
  /** Positive; rows go south. */
  resolutionY: number;
  col0: number;
  col1: number;
  row0: number;
  row1: number;
}

/** Counts (0..n^2) for rows row0..row1 and columns col0..col1 inclusive, row by row. */
export function pixelCoverage(
  rings: readonly (readonly (readonly number[])[])[],
  grid: PixelGrid,
  n: number,
): Uint8Array {
  const cols = grid.col1 - grid.col0 + 1;
  const rows = grid.row1 - grid.row0 + 1;
  const counts = new Uint8Array(Math.max(0, cols * rows));
  if (cols <= 0 || rows <= 0) return counts;
  const crossings: number[] = [];
  for (let row = 0; row < rows; row++) {
    for (let j = 0; j < n; j++) {
      const y = grid.originY - (grid.row0 + row + (j + 0.5) / n) * grid.resolutionY;
      crossings.length = 0;
      for (const ring of rings) {
        for (let k = 0; k + 1 < ring.length; k++) {
          const [x1, y1] = ring[k] as [number, number];
          const [x2, y2] = ring[k + 1] as [number, number];
          // Half-open in y, so a vertex on the line is crossed once, not twice.
          if (y1 > y !== y2 > y) crossings.push(x1 + ((y - y1) * (x2 - x1)) / (y2 - y1));
        }
      }
      if (crossings.length < 2) continue;
      crossings.sort((a, b) => a - b);
      const base = row * cols;
      for (let k = 0; k + 1 < crossings.length; k += 2) {
        // Subsample columns s (over the whole grid row) with x inside [from, to].
        const from = crossings[k]!;
        const to = crossings[k + 1]!;
        const first = Math.max(
          0,
          Math.ceil(((from - grid.originX) / grid.resolutionX - grid.col0) * n - 0.5),
        );
        const last = Math.min(
          cols * n - 1,
          Math.floor(((to - grid.originX) / grid.resolutionX - grid.col0) * n - 0.5),
        );
        for (let s = first; s <= last; s++) {
          const at = base + Math.floor(s / n);
          counts[at] = counts[at]! + 1;
        }
      }
    }
  }
  return counts;
}
