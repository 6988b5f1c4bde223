import { isShambaError, type Field } from '@shamba/schemas';
import { readSceneBands, type FieldIndices, type SceneBands, type SceneItem } from '@shamba/raster';
import { zoneIndices } from '../scenes/scene-indices.js';
import { delineateZones, type ZoneDelineation } from './delineate-zones.js';

export interface DelineateFieldZonesInput {
  field: Field;
  /** The field's scenes, their STAC items already read, oldest first. */
  scenes: readonly { sceneId: string; item: SceneItem }[];
  maxZones: number;
}

/** A delineation, and each new zone's indices in each scene of the input (for applying it). */
export interface FieldZoneDelineation extends ZoneDelineation {
  /**
   * Per input scene, in its order: each new zone's indices (as the scene service stores them
   * under `zones`); null where the scene does not reach the field. Empty unless status is `ok`.
   */
  sceneZoneIndices: (Record<string, FieldIndices> | null)[];
}

/**
 * A field's management zones from its scenes: each scene's bands read over the field's window,
 * then delineated; the new zones' indices are taken from the same bands, so zones applied have
 * per-zone NDVI in every stored scene at once (the N rate per zone needs it). Runs in an
 * analytics worker (`zones.delineate`): reading a season of scenes and clustering their pixels
 * is seconds of work the API's other requests must not wait on.
 */
export async function delineateFieldZones(
  input: DelineateFieldZonesInput,
): Promise<FieldZoneDelineation> {
  const { field } = input;
  const read = await Promise.all(
    input.scenes.map(async (scene) => ({
      sceneId: scene.sceneId,
      bands: await bandsOverField(scene.item, field),
    })),
  );
  const scenes = read.flatMap((s) => (s.bands === null ? [] : [{ ...s, bands: s.bands }]));
  const result = delineateZones({ field, scenes, maxZones: input.maxZones });
  const sceneZoneIndices =
    result.status === 'ok'
      ? read.map((s) => (s.bands === null ? null : zoneIndices(s.bands, result.zones)))
      : [];
  return { ...result, sceneZoneIndices };
}

/** The scene's bands over the field's window; null when the scene does not reach the field. */
async function bandsOverField(item: SceneItem, field: Field): Promise<SceneBands | null> {
  try {
    return await readSceneBands(item, [field.boundary]);
  } catch (error) {
    if (isShambaError(error) && error.details?.outside === true) return null;
    throw error;
  }
}
