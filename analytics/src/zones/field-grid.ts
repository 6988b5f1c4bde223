import type { Polygon } from '@shamba/schemas';
import { fieldPixels, pixelCoverage, type BandRaster } from '@shamba/raster';

/** One of the field's pixels: its column and row on the reference grid, and its centre. */
export interface GridPixel {
  col: number;
  row: number;
  x: number;
  y: number;
}

/** The field's pixels on a scene's grid, with the lookup of each pixel's neighbours. */
export interface FieldGrid {
  reference: BandRaster;
  /** The field's boundary in the grid's CRS. */
  polygon: Polygon;
  pixels: GridPixel[];
  /** Indices of the field's pixels next to pixel k: 8 with `diagonal`, else the 4 sharing a side. */
  neighbours: (k: number, diagonal: boolean) => number[];
}

/** The field's pixels on the reference band's grid: those whose centre is inside the field. */
export function fieldGrid(reference: BandRaster, boundary: Polygon): FieldGrid {
  const { polygon, col0, col1, row0, row1 } = fieldPixels(reference, boundary);
  // One subsample a pixel: a pixel is the field's when its centre is inside.
  const inside = pixelCoverage(polygon.coordinates, { ...reference, col0, col1, row0, row1 }, 1);
  const width = col1 - col0 + 1;
  const pixels: GridPixel[] = [];
  for (let row = row0; row <= row1; row++)
    for (let col = col0; col <= col1; col++) {
      if (inside[(row - row0) * width + col - col0] === 0) continue;
      const x = reference.originX + (col + 0.5) * reference.resolutionX;
      const y = reference.originY - (row + 0.5) * reference.resolutionY;
      pixels.push({ col, row, x, y });
    }
  const at = new Map(pixels.map((p, k) => [(p.row - row0) * width + (p.col - col0), k]));
  const neighbours = (k: number, diagonal: boolean) => {
    const p = pixels[k]!;
    const out: number[] = [];
    for (let dr = -1; dr <= 1; dr++)
      for (let dc = -1; dc <= 1; dc++) {
        if ((dr === 0 && dc === 0) || (!diagonal && dr !== 0 && dc !== 0)) continue;
        const j = at.get((p.row + dr - row0) * width + (p.col + dc - col0));
        // The column check keeps a pixel on the window's edge from wrapping to the next row.
        if (j !== undefined && p.col + dc >= col0 && p.col + dc <= col1) out.push(j);
      }
    return out;
  };
  return { reference, polygon, pixels, neighbours };
}
