import { ShambaError } from '@shamba/schemas';
import { pickScene } from '@shamba/analytics';
import type { Registry, SceneRecord } from '@shamba/storage';

/**
 * The scene a `?scene=` query names for a cooperative's fields: an id, or `latest` (the
 * default), among the scenes the cooperative may use (its own and the shared ones); NOT_FOUND
 * otherwise, so another cooperative's scene ids cannot be probed.
 */
export async function sceneFromQuery(
  registry: Registry,
  coopId: string,
  wanted: string | undefined,
): Promise<SceneRecord> {
  const scene = pickScene(await registry.scenes.list({ visibleTo: coopId }), coopId, wanted);
  if (scene === undefined) throw new ShambaError('NOT_FOUND', `no scene ${wanted ?? 'yet'}`);
  return scene;
}
