import { Hono } from 'hono';
import { z } from 'zod';
import {
  DAY_MS,
  PRESCRIPTION_KINDS,
  PrescriptionKindSchema,
  ShambaError,
  UP_STREAMS,
  type Field,
} from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { SceneRasterService } from '@shamba/analytics';
import { gapFill, indexMean } from '@shamba/raster';
import type { AppEnv } from '../auth/bearer-auth.js';
import { sceneFromQuery } from '../http/scene-query.js';
import { canSeeField, fieldFilterFor, requireRole } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';

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

/** The delineation options are two fields (`{"apply":true,"maxZones":5}`): 1 KiB is ample. */
const MAX_DELINEATE_BODY_BYTES = 1024;

const DelineateBody = z
  .object({
    /** Store the zones on the field (prescriptions then use them); otherwise only propose. */
    apply: z.boolean().default(false),
    maxZones: z.number().int().min(2).max(5).default(5),
  })
  .strict();

export function fieldRoutes(deps: {
  registry: Registry;
  store: TimeSeriesStore;
  /** NDVI images and zone delineation, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
}) {
  const { registry, store } = deps;

  async function visibleField(
    principal: AppEnv['Variables']['principal'],
    id: string,
  ): Promise<Field> {
    const field = await registry.fields.get(id);
    // Not yours and not there look the same, so ids cannot be probed across cooperatives.
    if (field === undefined || !canSeeField(principal, field))
      throw new ShambaError('NOT_FOUND', `no field ${id}`);
    return field;
  }

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
        // Mean NDVI through the season, cloudy dates interpolated and flagged.
        ndviSeries: gapFill(
          scenes.map((s) => ({
            acquiredMs: s.acquiredMs,
            sceneId: s.sceneId,
            value: indexMean(s.indices, 'ndvi'),
          })),
        ).map((p) => ({
          acquired: new Date(p.acquiredMs).toISOString(),
          sceneId: p.sceneId,
          ndvi: p.value,
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
    })
    .post('/:fieldId/zones/delineate', limitBody(MAX_DELINEATE_BODY_BYTES), async (c) => {
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
    })
    .get('/:fieldId/prescriptions/latest', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      // Without `kind`, irrigation: what clients read before prescriptions had kinds.
      const kind = PrescriptionKindSchema.safeParse(c.req.query('kind') ?? 'irrigation');
      if (!kind.success)
        throw new ShambaError(
          'INVALID_REQUEST',
          `kind must be one of ${PRESCRIPTION_KINDS.join(', ')}`,
        );
      const prescription = await registry.prescriptions.latest(field.id, kind.data);
      if (prescription === undefined)
        throw new ShambaError('NOT_FOUND', `no ${kind.data} prescription for ${field.id} yet`);
      return c.json(prescription);
    })
    .get('/:fieldId/prescriptions', async (c) => {
      // The newest prescription of each kind the field has, by kind.
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      return c.json({ prescriptions: await registry.prescriptions.latestByKind(field.id) });
    });
}
