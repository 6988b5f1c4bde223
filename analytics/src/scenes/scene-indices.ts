import type { Polygon } from '@shamba/schemas';
import { fieldIndices, type FieldIndices } from '../raster/field-indices.js';
import { readSceneBands } from '../raster/scene-bands.js';
import type { SceneItem } from '../raster/scene-reader.js';

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

/**
 * One scene read for the given fields (one window around them all) and reduced to each field's
 * and each management zone's indices. Runs in an analytics worker (`scene.indices`), under the
 * pool's heap cap and watchdog, so a hostile file cannot stall or exhaust the main process.
 */
export async function sceneFieldIndices(input: SceneIndicesInput): Promise<SceneIndicesOutput> {
  const bands = await readSceneBands(
    input.item,
    input.fields.map((f) => f.boundary),
  );
  return {
    perField: input.fields.map((f) => ({
      fieldId: f.id,
      indices: {
        ...fieldIndices(bands, f.boundary),
        ...(f.zones === undefined || f.zones.length === 0
          ? {}
          : {
              zones: Object.fromEntries(
                f.zones.map((z) => [z.id, fieldIndices(bands, z.boundary)]),
              ),
            }),
      },
    })),
  };
}
