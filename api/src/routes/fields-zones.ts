import { createRoute, z } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { PrescriptionSchema, ZoneSchema, type Field, type Prescription } from '@shamba/schemas';
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
import { describedBody } from '../http/described-body.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes, problems } from '../http/openapi.js';
import { visibleFieldIn } from './visible-field.js';
import type { PrescriptionRecompute } from '../prescription-recompute.js';
import { JobAcceptedSchema, acceptedJob } from '../jobs/accepted.js';
import type { Jobs } from '../jobs/jobs.js';

/** The delineation options are two fields (`{"apply":true,"maxZones":5}`): 1 KiB is ample. */
const MAX_DELINEATE_BODY_BYTES = 1024;

const DelineateBody = z
  .object({
    /** Store the zones on the field (prescriptions then use them); otherwise only propose. */
    apply: z.boolean().default(false),
    maxZones: z.number().int().min(2).max(5).default(5),
  })
  .strict();

/** What a delineation answers (analytics' ZoneDelineation), and what applying it did. */
const DelineationSchema = z
  .object({
    fieldId: z.string(),
    applied: z.boolean().meta({ description: 'Whether the zones were stored on the field.' }),
    status: z.enum([
      'ok',
      'uniform',
      'too-few-pixels',
      'too-small',
      'no-clear-scene',
      'too-few-scenes',
    ]),
    reason: z.string().nullable(),
    zones: z.array(ZoneSchema),
    classCount: z.number().int(),
    validity: z
      .array(z.object({ c: z.number(), fpi: z.number(), nce: z.number() }))
      .meta({ description: 'FPI and NCE (Fridgen et al. 2004) for every class count tried.' }),
    scenesUsed: z.array(z.string()),
    pixels: z.number().int(),
    minZoneAreaHa: z.number().nullable(),
    zoneStats: z.array(
      z.object({
        zoneId: z.string(),
        vigourClass: z.number().int(),
        meanNdvi: z.number(),
        pixels: z.number().int(),
      }),
    ),
    scenesReindexed: z.number().int().optional().meta({ description: 'Applied only.' }),
    probes: z
      .array(
        z.object({
          deviceId: z.string(),
          zoneId: z.string(),
          how: z.enum(['inside', 'nearest', 'no-fix']),
          distanceM: z.number(),
          note: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'Applied only: which soil probe went to which zone.' }),
    prescriptions: z
      .array(PrescriptionSchema)
      .nullable()
      .optional()
      .meta({ description: 'Applied only: the prescriptions made again (null if none were).' }),
  })
  .meta({ id: 'Delineation', description: 'A zone delineation, proposed or applied.' });

const delineate = createRoute({
  method: 'post',
  path: '/{fieldId}/zones/delineate',
  tags: ['Fields'],
  summary: "Delineate the field's management zones from its NDVI history (agronomists)",
  description:
    'From at least three clear scenes. With `apply`, the zones are stored on the field, every ' +
    "stored scene's zone indices are made again, each soil probe moves to the zone its GNSS fix " +
    "lies in, and the field's prescriptions are made again at once. An empty body takes the " +
    'defaults.',
  middleware: [limitBody(MAX_DELINEATE_BODY_BYTES)],
  request: {
    params: z.object({ fieldId: idParam('The field.') }),
    body: describedBody('application/json', DelineateBody, { required: false }),
  },
  responses: {
    202: {
      description:
        'Started: follow the job at `Location`; its `result` is the delineation (proposed or ' +
        'applied), described by the `Delineation` schema.',
      headers: z.object({ location: z.string() }),
      content: json(JobAcceptedSchema),
    },
    ...COMMON_PROBLEMS,
    ...problems(413, 415, 503),
  },
});

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
  /** Delineation reads every clear scene of the field: it runs as a job. */
  jobs: Jobs;
}) {
  const { registry, store } = deps;
  const visibleField = visibleFieldIn(registry);
  const delineation = async (
    field: Field,
    body: z.infer<typeof DelineateBody>,
  ): Promise<z.infer<typeof DelineationSchema>> => {
    const visible = { visibleTo: field.coopId }; // its cooperative's scenes and shared ones
    const series = await registry.scenes.fieldSeries(field.id, visible);
    // Too few scenes in which the field was seen at all: said without reading a raster.
    const seen = series.filter((s) => indexMean(s.indices, 'ndvi') !== null);
    if (seen.length < MIN_CLEAR_SCENES)
      return { fieldId: field.id, applied: false, ...tooFewScenes(seen.map((s) => s.sceneId)) };
    const records = await sceneRecords(registry, { series, visibleTo: field.coopId });
    const { sceneZoneIndices, ...result } = await deps.rasters.delineateZones(
      field,
      records,
      body.maxZones,
    );
    if (!body.apply || result.status !== 'ok')
      return { fieldId: field.id, applied: false, ...result };
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
    // The prescription service answers the versions it made (PrescriptionService.recompute); the
    // port types them loosely so that tests may pass a stand-in.
    const recomputing = deps.prescriptions?.recompute(field.id, 'zones applied') as
      Promise<Prescription[]> | undefined;
    const prescriptions =
      recomputing === undefined
        ? null
        : await recomputing.catch((error: unknown) => {
            deps.logger?.error({ err: error, fieldId: field.id }, 'recompute after zones failed');
            return null;
          });
    return { fieldId: field.id, applied: true, ...result, ...applied, prescriptions };
  };
  const routes = openApiRoutes<AppEnv>();
  // The job's result: named in the document though no response carries it directly.
  routes.openAPIRegistry.register('Delineation', DelineationSchema);
  return routes.openapi(delineate, async (c) => {
    const principal = c.get('principal');
    requireRole(principal, ['admin', 'agronomist']);
    const field = await visibleField(principal, c.req.valid('param').fieldId);
    // An empty body takes the defaults; anything else must be the options, as JSON.
    const body = await parseJsonBody(c, DelineateBody, { empty: {} });
    // One delineation of a field at a time: a second request follows the running one.
    const { job } = deps.jobs.start({
      kind: 'zone-delineation',
      coopId: field.coopId,
      startedBy: principal.name,
      exclusiveKey: `zones:${field.id}`,
      run: () => delineation(field, body),
    });
    return acceptedJob(c, job);
  });
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
