import pMap from 'p-map';
import { isShambaError, type Polygon } from '@shamba/schemas';
import {
  fieldIndices,
  readSceneBands,
  type FieldIndices,
  type SceneBands,
  type SceneItem,
} from '@shamba/raster';

export interface SceneIndicesInput {
  /** The scene's STAC item, already read (its band files are opened by path or URL). */
  item: SceneItem;
  fields: readonly {
    id: string;
    boundary: Polygon;
    zones?: readonly { id: string; boundary: Polygon }[];
  }[];
}

export interface SceneIndicesOutput {
  perField: {
    fieldId: string;
    indices: FieldIndices & { zones?: Record<string, FieldIndices> };
  }[];
}

/** Fields read at once: their tiles inflate in parallel in the inflate pool meanwhile. */
const FIELDS_IN_FLIGHT = 8;

/**
 * A scene reduced to each field's and each management zone's indices. Each field is read over
 * its own window (a cooperative's fields share tiles, which the window reader inflates once;
 * a programme's fields spread over a whole tile never make it decode the tile). Runs in an
 * analytics worker (`scene.indices`), under the pool's heap cap and watchdog, so a hostile
 * file cannot stall or exhaust the main process.
 */
export async function sceneFieldIndices(input: SceneIndicesInput): Promise<SceneIndicesOutput> {
  const perField = await pMap(
    input.fields,
    async (field) => ({ fieldId: field.id, indices: await indicesOf(input.item, field) }),
    { concurrency: FIELDS_IN_FLIGHT },
  );
  return { perField };
}

async function indicesOf(
  item: SceneItem,
  field: SceneIndicesInput['fields'][number],
): Promise<SceneIndicesOutput['perField'][number]['indices']> {
  let bands;
  try {
    bands = await readSceneBands(item, [field.boundary]);
  } catch (error) {
    if (isShambaError(error) && error.details?.outside === true)
      return { status: 'outside', validFraction: 0, pixelCount: 0 };
    throw error;
  }
  return {
    ...fieldIndices(bands, field.boundary),
    ...(field.zones === undefined || field.zones.length === 0
      ? {}
      : { zones: zoneIndices(bands, field.zones) }),
  };
}

/**
 * Each zone's indices from a field's bands (read over the field's window): what the scene service
 * stores under `zones`, and what applied zones get from the stored scenes (zones.delineate).
 */
export function zoneIndices(
  bands: SceneBands,
  zones: readonly { id: string; boundary: Polygon }[],
): Record<string, FieldIndices> {
  return Object.fromEntries(zones.map((z) => [z.id, fieldIndices(bands, z.boundary)]));
}
