import type { FieldSceneIndices, SceneRecord } from '@shamba/storage';

/**
 * Whose scenes a cooperative's fields may use: the cooperative's own (uploaded or registered by
 * its staff) and the shared ones (the operator's watch folder, an admin's registration). Another
 * cooperative's scene is never read for them, whatever it covers (issue 13, case 3).
 */
export function sceneVisibleTo(
  scene: Pick<SceneRecord, 'ownerCoopId'>,
  coopId: string | null,
): boolean {
  return scene.ownerCoopId === null || scene.ownerCoopId === coopId;
}

/**
 * A field's scene series as its cooperative may use it. The scene service stores a scene's
 * indices only for its owner's fields, so this filter changes nothing on a registry it wrote;
 * it is the second lock, for rows written before scenes had owners or by another writer.
 */
export function visibleSeries(
  series: readonly FieldSceneIndices[],
  coopId: string,
): FieldSceneIndices[] {
  return series.filter((s) => sceneVisibleTo(s, coopId));
}

/**
 * The scene a `?scene=` names for a cooperative, among `scenes` (oldest first): `latest` (or
 * nothing) is the newest it may use; an id is its own scene by that id before a shared one
 * (ids are unique per owner only: the same id may be its upload and a shared scene).
 */
export function pickScene(
  scenes: readonly SceneRecord[],
  coopId: string | null,
  wanted: string | undefined,
): SceneRecord | undefined {
  const visible = scenes.filter((s) => sceneVisibleTo(s, coopId));
  if (wanted === undefined || wanted === 'latest') return visible.at(-1);
  const named = visible.filter((s) => s.id === wanted);
  return named.find((s) => s.ownerCoopId !== null) ?? named[0];
}
