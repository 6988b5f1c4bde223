import type { Indices } from '@shamba/schemas';
import type { FieldSceneIndices } from '@shamba/storage';
import { indexMean } from '@shamba/raster';

/** A scene's view of a field: each zone's (or the field's, under its own id) mean NDVI and NDMI. */
export interface ClearScene {
  sceneId: string;
  acquiredMs: number;
  ndviByZone: Record<string, number | null>;
  ndmiByZone: Record<string, number | null>;
}

/** The scene chosen for a field (or none) and why, in words an agronomist can check. */
export interface SceneChoice {
  scene: ClearScene | undefined;
  note: string;
}

/** What the rules read of a scene: each zone's NDVI (null: cloudy over the zone). */
export type FieldScene = Pick<ClearScene, 'sceneId' | 'acquiredMs' | 'ndviByZone'>;

/** The newest scene up to `asOfMs` with a clear view of the field, and why it was chosen. */
export function chooseScene(series: readonly FieldSceneIndices[], asOfMs: number): SceneChoice {
  const scene = latestClearScene(series, asOfMs);
  return scene === undefined
    ? { scene, note: 'no scene up to the readings with a clear view of the field' }
    : { scene, note: `${scene.sceneId}: the newest scene with a clear view of the field` };
}

/** The newest scene up to `asOfMs` with a clear view of the field or of any of its zones. */
export function latestClearScene(
  series: readonly FieldSceneIndices[],
  asOfMs: number,
): ClearScene | undefined {
  for (let k = series.length - 1; k >= 0; k--) {
    const entry = series[k]!;
    if (entry.acquiredMs > asOfMs) continue;
    const { indices } = entry;
    const zones: [string, Indices][] =
      indices.zones === undefined ? [[entry.fieldId, indices]] : Object.entries(indices.zones);
    const ndviByZone = Object.fromEntries(zones.map(([id, z]) => [id, indexMean(z, 'ndvi')]));
    const ndmiByZone = Object.fromEntries(zones.map(([id, z]) => [id, indexMean(z, 'ndmi')]));
    if (Object.values(ndviByZone).some((v) => v !== null))
      return { sceneId: entry.sceneId, acquiredMs: entry.acquiredMs, ndviByZone, ndmiByZone };
  }
  return undefined;
}
