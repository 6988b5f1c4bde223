import { ShambaError, type Polygon } from '@shamba/schemas';
import { projectorTo } from '../crs.js';
import type { SceneBands } from '../indices/field-indices.js';
import { readBand, type MapWindow, type SceneItem } from './scene-reader.js';

/** Margin around the fields when reading a window: two 20 m pixels, so SCL covers every edge. */
export const WINDOW_MARGIN_M = 40;

/** The rectangle in a raster CRS that covers some boundaries (lon-lat), plus a margin. */
export function windowAround(
  boundaries: readonly Polygon[],
  epsg: number,
  marginM = WINDOW_MARGIN_M,
): MapWindow {
  const project = projectorTo(epsg);
  const points = boundaries.flatMap((b) => b.coordinates[0]!.map((p) => project(p)));
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [
    Math.min(...xs) - marginM,
    Math.min(...ys) - marginM,
    Math.max(...xs) + marginM,
    Math.max(...ys) + marginM,
  ];
}

/**
 * The bands of a scene that index computation uses, each read only over the window around
 * `boundaries` (from an overview when `resolutionM` allows a coarser read). B04 and B08 are required; SCL, B8A and B11 are read when the scene has them.
 */
export async function readSceneBands(
  item: SceneItem,
  boundaries: readonly Polygon[],
  options: { resolutionM?: number } = {},
): Promise<SceneBands> {
  const { B04: red, B08: nir } = item.bands;
  // Checked before any read: a scene without them fails the same way, whatever else it has.
  if (red === undefined || nir === undefined)
    throw new ShambaError('RASTER_INVALID', `${item.id} has no B04 or B08 band`);
  const read = (name: string, file: SceneItem['bands'][string]) =>
    readBand(name, file, { ...options, window: (epsg) => windowAround(boundaries, epsg) });
  const optional = async (name: string) => {
    const file = item.bands[name];
    return file === undefined ? undefined : read(name, file);
  };
  const [B04, B08, SCL, B8A, B11] = await Promise.all([
    read('B04', red),
    read('B08', nir),
    optional('SCL'),
    optional('B8A'),
    optional('B11'),
  ]);
  return {
    B04,
    B08,
    ...(SCL === undefined ? {} : { SCL }),
    ...(B8A === undefined ? {} : { B8A }),
    ...(B11 === undefined ? {} : { B11 }),
  };
}
