import { Hono } from 'hono';
import { z } from 'zod';
import type { Registry } from '@shamba/storage';
import type { SceneRasterService } from '@shamba/analytics';
import { indexMean } from '@shamba/raster';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';
import { visibleFieldIn } from './visible-field.js';

/** The delineation options are two fields (`{"apply":true,"maxZones":5}`): 1 KiB is ample. */
const MAX_DELINEATE_BODY_BYTES = 1024;

const DelineateBody = z
  .object({
    /** Store the zones on the field (prescriptions then use them); otherwise only propose. */
    apply: z.boolean().default(false),
    maxZones: z.number().int().min(2).max(5).default(5),
  })
  .strict();

/** A field's management zones: delineated from its NDVI history, and applied. */
export function fieldZoneRoutes(deps: {
  registry: Registry;
  /** Zone delineation, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
}) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return new Hono<AppEnv>().post(
    '/:fieldId/zones/delineate',
    limitBody(MAX_DELINEATE_BODY_BYTES),
    async (c) => {
      const principal = c.get('principal');
      requireRole(principal, ['admin', 'agronomist']);
      const field = await visibleField(principal, c.req.param('fieldId'));
      // An empty body takes the defaults; anything else must be the options, as JSON.
      const body = await parseJsonBody(c, DelineateBody, { empty: {} });
      // The field's NDVI history: every processed scene in which it was seen clear.
      // Scenes are named by owner and id (ids are unique per owner only).
      const key = (owner: string | null, id: string) => JSON.stringify([owner, id]);
      const visible = { visibleTo: field.coopId }; // its cooperative's scenes and shared ones
      const seen = new Set(
        (await registry.scenes.fieldSeries(field.id, visible))
          .filter((s) => indexMean(s.indices, 'ndvi') !== null)
          .map((s) => key(s.ownerCoopId, s.sceneId)),
      );
      const records = (await registry.scenes.list(visible)).filter((s) =>
        seen.has(key(s.ownerCoopId, s.id)),
      );
      const result = await deps.rasters.delineateZones(field, records, body.maxZones);
      const applied = body.apply && result.status === 'ok';
      if (applied) await registry.fields.upsert({ ...field, zones: result.zones });
      return c.json({ fieldId: field.id, applied, ...result });
    },
  );
}
