import { Hono } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { FieldSceneIndices, Registry, SceneRecord, TimeSeriesStore } from '@shamba/storage';
import {
  MIN_CLEAR_SCENES,
  applyFieldZones,
  tooFewScenes,
  type SceneRasterService,
} from '@shamba/analytics';
import { indexMean } from '@shamba/raster';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';
import { visibleFieldIn } from './visible-field.js';
import type { PrescriptionRecompute } from '../prescription-recompute.js';

/** The delineation options are two fields (`{"apply":true,"maxZones":5}`): 1 KiB is ample. */
const MAX_DELINEATE_BODY_BYTES = 1024;

const DelineateBody = z
  .object({
    /** Store the zones on the field (prescriptions then use them); otherwise only propose. */
    apply: z.boolean().default(false),
    maxZones: z.number().int().min(2).max(5).default(5),
  })
  .strict();

/**
 * A field's management zones: delineated from its NDVI history, and applied. Applying stores the
 * zones, gives them their indices in every stored scene, moves each soil probe to the zone its
 * GNSS fix lies in, and recomputes the field's prescriptions at once.
 */
export function fieldZoneRoutes(deps: {
  registry: Registry;
  /** GNSS fixes of the field's probes. */
  store: TimeSeriesStore;
  /** Zone delineation, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
  /** When analytics run: applied zones recompute the field's prescriptions at once. */
  prescriptions?: Pick<PrescriptionRecompute, 'recompute'> | undefined;
  /** Where a failed recompute is logged (default: silent). */
  logger?: Logger | undefined;
}) {
  const { registry, store } = deps;
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
      const visible = { visibleTo: field.coopId }; // its cooperative's scenes and shared ones
      const series = await registry.scenes.fieldSeries(field.id, visible);
      // Too few scenes in which the field was seen at all: said without reading a raster.
      const seen = series.filter((s) => indexMean(s.indices, 'ndvi') !== null);
      if (seen.length < MIN_CLEAR_SCENES)
        return c.json({
          fieldId: field.id,
          applied: false,
          ...tooFewScenes(seen.map((s) => s.sceneId)),
        });
      const records = await sceneRecords(registry, { series, visibleTo: field.coopId });
      const { sceneZoneIndices, ...result } = await deps.rasters.delineateZones(
        field,
        records,
        body.maxZones,
      );
      if (!body.apply || result.status !== 'ok')
        return c.json({ fieldId: field.id, applied: false, ...result });
      const applied = await applyFieldZones({
        registry,
        store,
        field,
        zones: result.zones,
        scenes: records,
        sceneZoneIndices,
        series,
      });
      // The zones are stored: a failed recompute is logged, and the periodic pass makes them.
      const prescriptions = await (
        deps.prescriptions?.recompute(field.id, 'zones applied') ?? Promise.resolve(null)
      ).catch((error: unknown) => {
        deps.logger?.error({ err: error, fieldId: field.id }, 'recompute after zones failed');
        return null;
      });
      return c.json({ fieldId: field.id, applied: true, ...result, ...applied, prescriptions });
    },
  );
}

/**
 * The stored scenes of the field's series that reach it (its NDVI history, and where applied
 * zones need indices), oldest first. Scenes are named by owner and id (unique per owner only).
 */
async function sceneRecords(
  registry: Registry,
  options: { series: readonly FieldSceneIndices[]; visibleTo: string },
): Promise<SceneRecord[]> {
  const key = (owner: string | null, id: string) => JSON.stringify([owner, id]);
  const reaching = new Set(
    options.series
      .filter((s) => s.indices.status !== 'outside')
      .map((s) => key(s.ownerCoopId, s.sceneId)),
  );
  return (await registry.scenes.list({ visibleTo: options.visibleTo })).filter((s) =>
    reaching.has(key(s.ownerCoopId, s.id)),
  );
}
