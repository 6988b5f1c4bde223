import { createRoute, z } from '@hono/zod-openapi';
import { DAY_MS, FieldSchema, IndicesSchema, ShambaError, UP_STREAMS } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { SceneRasterService } from '@shamba/analytics';
import type { AppEnv } from '../auth/bearer-auth.js';
import { etagOf, notModified } from '../http/etag.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import { NDVI_PNG_RESPONSES, SceneQuerySchema, sceneFromQuery } from '../http/scene-query.js';
import { fieldFilterFor } from '../auth/tenancy.js';
import { ndviSeason } from './ndvi-season.js';
import { readingKeyOfCursor, readingsPage } from './readings-page.js';
import { visibleFieldIn } from './visible-field.js';

/**
 * Readings per page: by default a day of one field (5 probes, 4 streams, 15-minute samples is
 * about 1,900) in two pages; at most 10,000 (about 2 MB of JSON), so no request holds a season.
 */
export const READINGS_PAGE = { defaultLimit: 1000, maxLimit: 10_000 };
/** Fields per page: a cooperative has hundreds; a farmer a handful. */
const FIELDS_PAGE = { defaultLimit: 100, maxLimit: 500 };

/** `from`/`to` accept ISO 8601 or epoch milliseconds. */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date(), z.coerce.number().int()])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)));
const ReadingsQuery = z.object({
  from: Instant.optional().meta({
    description:
      'Start of the device-time window, inclusive: ISO 8601 or epoch ms (default `to` − 24 h).',
  }),
  to: Instant.optional().meta({
    description: 'End of the window, exclusive: ISO 8601 or epoch ms (default now).',
  }),
  stream: z.enum(UP_STREAMS).optional().meta({ description: 'Only this stream.' }),
  ...pageQuery(READINGS_PAGE).shape,
});

const FieldPath = z.object({ fieldId: idParam('The field.') });
const TAGS = ['Fields'];

const ReadingView = z.object({
  deviceId: z.string(),
  stream: z.enum(UP_STREAMS),
  time: z.string().meta({ description: "The device's own timestamp, ISO 8601 UTC." }),
  seq: z.number().int(),
  zoneId: z.string().nullable(),
  values: z.record(z.string(), z.number()),
});

const listFields = createRoute({
  method: 'get',
  path: '/',
  tags: TAGS,
  summary: 'The fields the token may see',
  description:
    "A farmer's own fields, a cooperative's staff their cooperative's, an admin every field; by id.",
  request: { query: pageQuery(FIELDS_PAGE) },
  responses: {
    200: {
      description: 'A page of fields.',
      content: json(z.object({ fields: z.array(FieldSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const getField = createRoute({
  method: 'get',
  path: '/{fieldId}',
  tags: TAGS,
  summary: 'One field',
  description: "Another cooperative's field answers 404, exactly like a missing one.",
  request: { params: FieldPath },
  responses: { 200: { description: 'The field.', content: json(FieldSchema) }, ...COMMON_PROBLEMS },
});

const listReadings = createRoute({
  method: 'get',
  path: '/{fieldId}/readings',
  tags: TAGS,
  summary: "The field's readings by device time (its farmer and its cooperative's staff)",
  description:
    'Newest first, ordered by (time, device, stream), the store key: a page boundary never ' +
    'splits or repeats readings that share a millisecond. Pass `next` as `cursor` with the same ' +
    '`from`, `to` and `stream` for the older ones.',
  request: { params: FieldPath, query: ReadingsQuery },
  responses: {
    200: {
      description: 'A page of readings in the window.',
      content: json(
        z.object({
          fieldId: z.string(),
          from: z.string(),
          to: z.string(),
          readings: z.array(ReadingView),
          next: NextSchema,
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const IndexedScene = z
  .object({ sceneId: z.string(), acquired: z.string() })
  .and(IndicesSchema)
  .and(z.object({ zones: z.record(z.string(), IndicesSchema).optional() }));

const getIndices = createRoute({
  method: 'get',
  path: '/{fieldId}/indices',
  tags: TAGS,
  summary: "The field's satellite indices per overpass and its NDVI season",
  request: { params: FieldPath },
  responses: {
    200: {
      description:
        'Per overpass: status (ok, cloudy, outside), valid fraction and index distributions; ' +
        'and the mean NDVI from sowing, cloudy dates interpolated and flagged.',
      content: json(
        z.object({
          fieldId: z.string(),
          scenes: z.array(IndexedScene),
          ndviSeries: z.array(
            z.object({
              acquired: z.string(),
              sceneId: z.string(),
              ndvi: z.number().nullable(),
              quality: z.enum(['observed', 'gap-filled', 'missing']),
            }),
          ),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const getNdviPng = createRoute({
  method: 'get',
  path: '/{fieldId}/ndvi.png',
  tags: TAGS,
  summary: "The field's NDVI from a scene, as a PNG",
  description:
    'With `ETag`: send it back as `If-None-Match` and an unchanged image answers 304. ' +
    '`x-scene-id` names the scene drawn.',
  request: {
    params: FieldPath,
    query: SceneQuerySchema,
  },
  responses: NDVI_PNG_RESPONSES,
});

export function fieldRoutes(deps: {
  registry: Registry;
  store: TimeSeriesStore;
  /** NDVI images, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
}) {
  const { registry, store } = deps;

  const visibleField = visibleFieldIn(registry);

  return openApiRoutes<AppEnv>()
    .openapi(listFields, async (c) => {
      const fields = await registry.fields.list(fieldFilterFor(c.get('principal')));
      const page = pageOf(fields, (f) => [f.id], c.req.valid('query'));
      return c.json({ fields: page.items, next: page.next }, 200);
    })
    .openapi(getField, async (c) =>
      c.json(await visibleField(c.get('principal'), c.req.valid('param').fieldId), 200),
    )
    .openapi(listReadings, async (c) => {
      const field = await visibleField(c.get('principal'), c.req.valid('param').fieldId);
      const query = c.req.valid('query');
      const toMs = query.to ?? Date.now();
      const fromMs = query.from ?? toMs - DAY_MS;
      if (!(fromMs < toMs)) throw new ShambaError('INVALID_REQUEST', '`from` must be before `to`');
      const page = await readingsPage(store, {
        fieldId: field.id,
        stream: query.stream,
        fromMs,
        toMs,
        limit: query.limit,
        after: query.cursor === undefined ? undefined : readingKeyOfCursor(query.cursor),
      });
      return c.json(
        {
          fieldId: field.id,
          from: new Date(fromMs).toISOString(),
          to: new Date(toMs).toISOString(),
          readings: page.readings.map((r) => ({
            deviceId: r.deviceId,
            stream: r.stream,
            time: new Date(r.timeMs).toISOString(),
            seq: r.seq,
            zoneId: r.zoneId,
            values: r.values,
          })),
          next: page.next,
        },
        200,
      );
    })
    .openapi(getIndices, async (c) => {
      const field = await visibleField(c.get('principal'), c.req.valid('param').fieldId);
      // Only scenes the field's cooperative may use: its own and the shared ones.
      const scenes = await registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId });
      return c.json(
        {
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
        },
        200,
      );
    })
    .openapi(getNdviPng, async (c) => {
      const field = await visibleField(c.get('principal'), c.req.valid('param').fieldId);
      const scene = await sceneFromQuery(registry, field.coopId, c.req.valid('query').scene);
      const png = await deps.rasters.fieldNdviPng(scene, field);
      // The image's own bytes make its validator: a new scene or new boundary is a new ETag.
      const etag = etagOf(png);
      c.header('etag', etag);
      c.header('cache-control', 'private, no-cache');
      c.header('x-scene-id', scene.id);
      if (notModified(c, etag)) return c.body(null, 304);
      return c.body(png, 200, { 'content-type': 'image/png' });
    });
}
