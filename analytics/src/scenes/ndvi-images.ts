import type { Polygon } from '@shamba/schemas';
import {
  MAX_PNG_SIDE,
  readSceneBands,
  renderFieldNdviPng,
  renderNdviPng,
  type SceneItem,
} from '@shamba/raster';
import { transferBytes } from '../worker/transfer.js';

/**
 * NDVI images of a scene, read and drawn in an analytics worker (`raster.field-ndvi-png`,
 * `raster.coop-ndvi-png`), so an image being drawn never holds up the API's other requests.
 * The PNG bytes leave the worker by transfer, not by copy.
 */
export interface FieldNdviPngInput {
  /** The scene's STAC item, already read (its band URLs carry their remote-access policy). */
  item: SceneItem;
  boundary: Polygon;
}

export interface CoopNdviPngInput {
  item: SceneItem;
  boundaries: readonly Polygon[];
}

/** One field's NDVI, read over the window around it. */
export async function fieldNdviPng(input: FieldNdviPngInput): Promise<Uint8Array<ArrayBuffer>> {
  const bands = await readSceneBands(input.item, [input.boundary]);
  return transferBytes(renderFieldNdviPng(bands, input.boundary));
}

/** A cooperative's fields in one image over their common extent. */
export async function coopNdviPng(input: CoopNdviPngInput): Promise<Uint8Array<ArrayBuffer>> {
  // Fields kilometres apart: a coarser overview, when the file has one, draws them as well.
  const bands = await readSceneBands(input.item, input.boundaries, {
    resolutionM: extentM(input.boundaries) / MAX_PNG_SIDE,
  });
  return transferBytes(renderNdviPng(bands, input.boundaries));
}

/** Metres per degree of latitude (and of longitude at the equator), WGS 84 mean. */
const METRES_PER_DEGREE = 111_320;

/** The larger side of the boundaries' lon-lat bounding box (every ring's points), in metres. */
function extentM(boundaries: readonly Polygon[]): number {
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const boundary of boundaries)
    for (const ring of boundary.coordinates)
      for (const [lon, lat] of ring) {
        west = Math.min(west, lon);
        east = Math.max(east, lon);
        south = Math.min(south, lat);
        north = Math.max(north, lat);
      }
  return Math.max(east - west, north - south) * METRES_PER_DEGREE;
}
