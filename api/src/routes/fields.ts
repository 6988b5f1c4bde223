import { Hono } from 'hono';
import { z } from 'zod';
import { DAY_MS, ShambaError, UP_STREAMS } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { SceneRasterService } from '@shamba/analytics';
import type { AppEnv } from '../auth/bearer-auth.js';
import { sceneFromQuery } from '../http/scene-query.js';
import { fieldFilterFor } from '../auth/tenancy.js';
import { ndviSeason } from './ndvi-season.js';
import { visibleFieldIn } from './visible-field.js';

/** One request returns at most this many readings: a season of 15-minute samples from 5 probes. */
export const MAX_READINGS_PER_REQUEST = 50_000;

/** `from`/`to` accept ISO 8601 or epoch milliseconds. */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date(), z.coerce.number().int()])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));
const ReadingsQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  stream: z.enum(UP_STREAMS).optional(),
});

export function fieldRoutes(deps: {
  registry: Registry;
  store: TimeSeriesStore;
  /** NDVI images, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
}) {
  const { registry, store } = deps;

  const visibleField = visibleFieldIn(registry);

  return new Hono<AppEnv>()
    .get('/', async (c) =>
      c.json({ fields: await registry.fields.list(fieldFilterFor(c.get('principal'))) }),
    )
    .get('/:fieldId', async (c) =>
      c.json(await visibleField(c.get('principal'), c.req.param('fieldId'))),
    )
    .get('/:fieldId/readings', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      const parsed = ReadingsQuery.safeParse(c.req.query());
      if (!parsed.success) throw new ShambaError('INVALID_REQUEST', z.prettifyError(parsed.error));
      const toMs = parsed.data.to ?? Date.now();
      const fromMs = parsed.data.from ?? toMs - DAY_MS;
      if (!(fromMs < toMs)) throw new ShambaError('INVALID_REQUEST', '`from` must be before `to`');
      const readings = await store.query({
        fieldId: field.id,
        fromMs,
        toMs,
        limit: MAX_READINGS_PER_REQUEST,
        ...(parsed.data.stream === undefined ? {} : { stream: parsed.data.stream }),
      });
      return c.json({
        fieldId: field.id,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        truncated: readings.length === MAX_READINGS_PER_REQUEST,
        readings: readings.map((r) => ({
          deviceId: r.deviceId,
          stream: r.stream,
          time: new Date(r.timeMs).toISOString(),
          seq: r.seq,
          zoneId: r.zoneId,
          values: r.values,
        })),
      });
    })
    .get('/:fieldId/indices', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      // Only scenes the field's cooperative may use: its own and the shared ones.
      const scenes = await registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId });
      return c.json({
        fieldId: field.id,
        // Per overpass: status (ok, cloudy, outside), valid fraction and index distributions.
        scenes: scenes.map((s) => ({
          sceneId: s.sceneId,
          acquired: new Date(s.acquiredMs).toISOString(),
          ...s.indices,
        })),
        // Mean NDVI through the season (from sowing, scenes covering the field), cloudy dates
        // interpolated and flagged: the field page's rule too.
        ndviSeries: ndviSeason(field, scenes).map((p) => ({
          acquired: new Date(p.acquiredMs).toISOString(),
          sceneId: p.sceneId,
          ndvi: p.ndvi,
          quality: p.quality,
        })),
      });
    })
    .get('/:fieldId/ndvi.png', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      const scene = await sceneFromQuery(registry, field.coopId, c.req.query('scene'));
      const png = await deps.rasters.fieldNdviPng(scene, field);
      return c.body(png, 200, {
        'content-type': 'image/png',
        'x-scene-id': scene.id,
      });
    });
}
