import { z } from 'zod';
import { isFutureDated } from '@shamba/analytics';
import { ShambaError } from '@shamba/schemas';
import type { Registry, SceneRecord } from '@shamba/storage';
import { COMMON_PROBLEMS, problems } from './openapi.js';

/** `?scene=`: which scene an NDVI image is drawn from. */
export const SceneQuerySchema = z.object({
  scene: z
    .string()
    .max(256)
    .optional()
    .meta({ description: 'A scene id, or `latest` (the default).' }),
});

/** What an NDVI image route answers: the PNG with its validator, or 304. */
export const NDVI_PNG_RESPONSES = {
  200: {
    description: 'The image.',
    headers: z.object({ etag: z.string(), 'x-scene-id': z.string() }),
    content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } },
  },
  304: { description: 'The image the client holds (its `If-None-Match`) is current.' },
  ...COMMON_PROBLEMS,
  ...problems(422, 503),
};

/**
 * The scene a `?scene=` query names for a cooperative's fields, among the scenes the cooperative
 * may use (its own and the shared ones, filtered by the registry): `latest` (the default) is the
 * newest; an id is its own scene by that id before a shared one (ids are unique per owner only,
 * so the same id may be its upload and a shared scene). NOT_FOUND otherwise, so another
 * cooperative's scene ids cannot be probed.
 */
export async function sceneFromQuery(
  registry: Registry,
  coopId: string,
  wanted: string | undefined,
): Promise<SceneRecord> {
  const scenes = await registry.scenes.list({ visibleTo: coopId }); // oldest first
  const named = scenes.filter((s) => s.id === wanted);
  // `latest` is never a scene dated in the future of the box's clock (a row stored before such
  // scenes were refused): it would stay the latest until the calendar caught up with it.
  const nowMs = Date.now();
  const scene =
    wanted === undefined || wanted === 'latest'
      ? scenes.findLast((s) => !isFutureDated(s.acquiredMs, nowMs))
      : (named.find((s) => s.ownerCoopId !== null) ?? named[0]);
  if (scene === undefined) throw new ShambaError('NOT_FOUND', `no scene ${wanted ?? 'yet'}`);
  return scene;
}
