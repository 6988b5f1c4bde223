import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import bbox from '@turf/bbox';
import { feature, featureCollection } from '@turf/helpers';
import { MAX_PNG_SIDE, readSceneBands, readSceneItem, renderNdviPng } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { sceneFromQuery } from '../http/scene-query.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';
import { receiveUpload } from '../http/multipart-upload.js';

/** What the API needs of the scene service. */
export interface SceneRegistrar {
  /** Registers a scene by its STAC item: a URL, or the path of an uploaded item. */
  register(itemPath: string): Promise<{ sceneId: string; acquiredMs: number; outcome: string }>;
  /** Where uploaded scenes are written (the watch folder), and how large an upload may be. */
  uploadDir: string;
  maxUploadBytes: number;
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
      const scene = await sceneFromQuery(registry, c.req.query('scene'));
      const boundaries = fields.map((f) => f.boundary);
      // Fields kilometres apart: a coarser overview, when the file has one, draws them as well.
      const [west, south, east, north] = bbox(featureCollection(boundaries.map((b) => feature(b))));
      const extentM = Math.max(east - west, north - south) * 111_320;
      const bands = await readSceneBands(await readSceneItem(scene.itemPath), boundaries, {
        resolutionM: extentM / MAX_PNG_SIDE,
      });
      return c.body(new Uint8Array(renderNdviPng(bands, boundaries)), 200, {
        'content-type': 'image/png',
        'x-scene-id': scene.id,
      });
    })
    .post('/scenes/upload', async (c) => {
      // A scene from a computer: its STAC item (*.json) and band files in one multipart request,
      // streamed to the watch folder, then registered like any other.
      requireRole(c.get('principal'), ['admin', 'manager', 'agronomist']);
      const { dir, files } = await receiveUpload(
        c.req.raw,
        scenes.uploadDir,
        scenes.maxUploadBytes,
      );
      const items = files.filter((f) => f.endsWith('.json'));
      if (items.length !== 1) {
        await rm(dir, { recursive: true, force: true });
        throw new ShambaError('INVALID_REQUEST', 'an upload holds exactly one STAC item (*.json)');
      }
      try {
        const result = await scenes.register(join(dir, items[0]!));
        return c.json({ ...result, files }, result.outcome === 'processed' ? 201 : 200);
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    })
    .post('/scenes', limitBody(16 * 1024), async (c) => {
      requireRole(c.get('principal'), ['admin', 'manager', 'agronomist']);
      const { itemUrl } = await parseJsonBody(c, RegisterBody);
      const result = await scenes.register(itemUrl);
      return c.json(result, result.outcome === 'processed' ? 201 : 200);
    });
}
