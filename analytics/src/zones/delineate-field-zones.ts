import type { Field } from '@shamba/schemas';
import { readSceneBands, type SceneItem } from '@shamba/raster';
import { delineateZones, type ZoneDelineation } from './delineate-zones.js';

export interface DelineateFieldZonesInput {
  field: Field;
  /** The field's clear scenes, their STAC items already read, oldest first. */
  scenes: readonly { sceneId: string; item: SceneItem }[];
  maxZones: number;
}

/**
 * A field's management zones from its scenes: each scene's bands read over the field's window,
 * then delineated. Runs in an analytics worker (`zones.delineate`): reading a season of scenes
 * and clustering their pixels is seconds of work the API's other requests must not wait on.
 */
export async function delineateFieldZones(
  input: DelineateFieldZonesInput,
): Promise<ZoneDelineation> {
  const { field } = input;
  const scenes = await Promise.all(
    input.scenes.map(async (scene) => ({
      sceneId: scene.sceneId,
      bands: await readSceneBands(scene.item, [field.boundary]),
    })),
  );
  return delineateZones({ field, scenes, maxZones: input.maxZones });
}
