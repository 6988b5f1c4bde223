import { ShambaError } from '@shamba/schemas';
import type { Registry, SceneRecord } from '@shamba/storage';

/** The scene a `?scene=` query names: an id, or `latest` (the default); NOT_FOUND otherwise. */
export async function sceneFromQuery(
  registry: Registry,
  wanted: string | undefined,
): Promise<SceneRecord> {
  const scenes = await registry.scenes.list();
  const scene =
    wanted === undefined || wanted === 'latest'
      ? scenes.at(-1)
      : scenes.find((s) => s.id === wanted);
  if (scene === undefined) throw new ShambaError('NOT_FOUND', `no scene ${wanted ?? 'yet'}`);
  return scene;
}
