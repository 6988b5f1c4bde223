import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import type { SceneRasterService } from '@shamba/analytics';
import type { Principal } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { sceneFromQuery } from '../http/scene-query.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';
import { receiveUpload } from '../http/multipart-upload.js';

/** What the API needs of the scene service. */
export interface SceneRegistrar {
  /**
   * Registers a scene by its STAC item (a URL, or the path of an uploaded item) for its owner:
   * a cooperative (its fields alone use it) or null (an admin's: a scene for everyone).
   */
  register(
    itemPath: string,
    owner: { ownerCoopId: string | null },
  ): Promise<{ sceneId: string; acquiredMs: number; outcome: string }>;
  /**
   * Where an owner's uploads are written: never where the watch folder's scan would take them
   * for shared scenes. How large an upload may be.
   */
  uploadDirFor(ownerCoopId: string | null): string;
  maxUploadBytes: number;
}

/**
 * Whose scene a registration makes: the registering staff member's cooperative; only an admin
 * (who has no cooperative) registers a scene for everyone.
 */
function ownerOf(principal: Principal): { ownerCoopId: string | null } {
  requireRole(principal, ['admin', 'manager', 'agronomist']);
  if (principal.role === 'admin') return { ownerCoopId: null };
  if (principal.coopId === null)
    throw new ShambaError('NOT_AUTHORIZED', 'staff without a cooperative cannot register scenes');
  return { ownerCoopId: principal.coopId };
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
export function sceneRoutes(deps: {
  registry: Registry;
  scenes: SceneRegistrar;
  /** NDVI images, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
}) {
  const { registry, scenes } = deps;
  return new Hono<AppEnv>()
    .get('/scenes', async (c) => {
      // The scenes the caller's cooperative may use (its own and the shared ones); admins all.
      const principal = c.get('principal');
      requireRole(principal, ['admin', 'manager', 'agronomist']);
      const list = await registry.scenes.list(
        principal.role === 'admin' ? {} : { visibleTo: principal.coopId ?? '\0none' },
      );
      return c.json({
        scenes: list.map((s) => ({
          id: s.id,
          ownerCoopId: s.ownerCoopId,
          acquired: new Date(s.acquiredMs).toISOString(),
          cloudCoverPct: s.cloudCoverPct,
          processed: new Date(s.processedMs).toISOString(),
        })),
      });
    })
    .get('/scenes/quarantine', async (c) => {
      // Scenes that failed and were moved aside: the cooperative's own and the shared ones
      // (the watch folder's); admins all. Where the files went is the operator's (a server path).
      const principal = c.get('principal');
      requireRole(principal, ['admin', 'manager', 'agronomist']);
      const list = await registry.scenes.quarantined(
        principal.role === 'admin' ? {} : { coopId: principal.coopId ?? '\0none' },
      );
      return c.json({
        quarantined: list.map((q) => ({
          name: q.name,
          ownerCoopId: q.ownerCoopId,
          code: q.code,
          reason: q.reason,
          at: new Date(q.atMs).toISOString(),
        })),
      });
    })
    .get('/coops/:coopId/ndvi.png', async (c) => {
      // The cooperative's fields in one image: for the manager's dashboard and reports.
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const fields = await registry.fields.list({ coopId });
      if (fields.length === 0) throw new ShambaError('NOT_FOUND', `no fields in ${coopId}`);
      const scene = await sceneFromQuery(registry, coopId, c.req.query('scene'));
      const png = await deps.rasters.coopNdviPng(scene, fields);
      return c.body(png, 200, {
        'content-type': 'image/png',
        'x-scene-id': scene.id,
      });
    })
    .post('/scenes/upload', async (c) => {
      // A scene from a computer: its STAC item (*.json) and band files in one multipart request,
      // streamed to the owner's uploads folder (not the watch folder: the scan would take it for
      // a shared scene), then registered for the owner.
      const owner = ownerOf(c.get('principal'));
      const { dir, files } = await receiveUpload(
        c.req.raw,
        scenes.uploadDirFor(owner.ownerCoopId),
        scenes.maxUploadBytes,
      );
      const items = files.filter((f) => f.endsWith('.json'));
      if (items.length !== 1) {
        await rm(dir, { recursive: true, force: true });
        throw new ShambaError('INVALID_REQUEST', 'an upload holds exactly one STAC item (*.json)');
      }
      let result;
      try {
        result = await scenes.register(join(dir, items[0]!), owner);
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      // Kept only when registered (its item path is the scene's): a scene already known or
      // one with no fields to read leaves nothing behind.
      if (result.outcome !== 'processed') await rm(dir, { recursive: true, force: true });
      return c.json({ ...result, files }, result.outcome === 'processed' ? 201 : 200);
    })
    .post('/scenes', limitBody(16 * 1024), async (c) => {
      const owner = ownerOf(c.get('principal'));
      const { itemUrl } = await parseJsonBody(c, RegisterBody);
      const result = await scenes.register(itemUrl, owner);
      return c.json(result, result.outcome === 'processed' ? 201 : 200);
    });
}
