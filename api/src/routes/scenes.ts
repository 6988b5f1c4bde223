import { Hono } from 'hono';
import { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import { readSceneBands, readSceneItem, renderNdviPng } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';

/** What the API needs of the scene service. */
export interface SceneRegistrar {
  register(itemUrl: string): Promise<{ sceneId: string; acquiredMs: number; outcome: string }>;
}

const RegisterBody = z
  .object({
    /** A STAC item by HTTP(S) URL; its band assets are read as Cloud-Optimized GeoTIFFs. */
    itemUrl: z.url({ protocol: /^https?$/ }),
  })
  .strict();

/**
 * Satellite scenes: the list, registering one by URL, and a cooperative's NDVI image (staff of a
 * cooperative, admins).
 */
export function sceneRoutes(deps: { registry: Registry; scenes: SceneRegistrar }) {
  const { registry, scenes } = deps;
  return new Hono<AppEnv>()
    .get('/scenes', async (c) => {
      requireRole(c.get('principal'), ['admin', 'manager', 'agronomist']);
      const list = await registry.scenes.list();
      return c.json({
        scenes: list.map((s) => ({
          id: s.id,
          acquired: new Date(s.acquiredMs).toISOString(),
          cloudCoverPct: s.cloudCoverPct,
          processed: new Date(s.processedMs).toISOString(),
        })),
      });
    })
    .get('/coops/:coopId/ndvi.png', async (c) => {
      // The cooperative's fields in one image: for the manager's dashboard and reports.
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const fields = await registry.fields.list({ coopId });
      if (fields.length === 0) throw new ShambaError('NOT_FOUND', `no fields in ${coopId}`);
      const wanted = c.req.query('scene');
      const all = await registry.scenes.list();
      const scene =
        wanted === undefined || wanted === 'latest' ? all.at(-1) : all.find((s) => s.id === wanted);
      if (scene === undefined) throw new ShambaError('NOT_FOUND', `no scene ${wanted ?? 'yet'}`);
      const boundaries = fields.map((f) => f.boundary);
      const bands = await readSceneBands(await readSceneItem(scene.itemPath), boundaries);
      return c.body(new Uint8Array(renderNdviPng(bands, boundaries)), 200, {
        'content-type': 'image/png',
        'x-scene-id': scene.id,
      });
    })
    .post('/scenes', limitBody(16 * 1024), async (c) => {
      requireRole(c.get('principal'), ['admin', 'manager', 'agronomist']);
      const { itemUrl } = await parseJsonBody(c, RegisterBody);
      const result = await scenes.register(itemUrl);
      return c.json(result, result.outcome === 'processed' ? 201 : 200);
    });
}
