import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { ShambaError, type Principal } from '@shamba/schemas';
import type { SceneRasterService } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { describedBody } from '../http/described-body.js';
import { etagOf, notModified } from '../http/etag.js';
import { receiveUpload } from '../http/multipart-upload.js';
import {
  COMMON_PROBLEMS,
  idParam,
  json,
  jsonBodyOf,
  openApiRoutes,
  problems,
} from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import { NDVI_PNG_RESPONSES, SceneQuerySchema, sceneFromQuery } from '../http/scene-query.js';
import { JobAcceptedSchema, acceptedJob } from '../jobs/accepted.js';
import type { Job, Jobs } from '../jobs/jobs.js';

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

/** Who may register scenes and list them: the cooperative's staff who use scenes, and admins. */
const SCENE_ROLES = ['admin', 'manager', 'agronomist'] as const;

/** Checked before a body is read. */
const sceneStaffOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireRole(c.get('principal'), SCENE_ROLES);
  await next();
};

/**
 * Whose scene a registration makes: the registering staff member's cooperative; only an admin
 * (who has no cooperative) registers a scene for everyone.
 */
function ownerOf(principal: Principal): { ownerCoopId: string | null } {
  requireRole(principal, SCENE_ROLES);
  if (principal.role === 'admin') return { ownerCoopId: null };
  if (principal.coopId === null)
    throw new ShambaError('NOT_AUTHORIZED', 'staff without a cooperative cannot register scenes');
  return { ownerCoopId: principal.coopId };
}

const TAGS = ['Scenes'];
const PAGE = pageQuery({ defaultLimit: 100, maxLimit: 500 });

const SceneSchema = z
  .object({
    id: z.string().meta({ description: "The STAC item's id: unique within its owner." }),
    ownerCoopId: z.string().nullable().meta({ description: 'Null: a scene for everyone.' }),
    acquired: z.iso.datetime(),
    cloudCoverPct: z.number().nullable(),
    processed: z.iso.datetime(),
  })
  .meta({ id: 'Scene', description: "A satellite scene a cooperative's fields may use." });

const QuarantinedSchema = z
  .object({
    name: z.string().meta({ description: "The item's file name as found." }),
    ownerCoopId: z.string().nullable(),
    code: z.string(),
    reason: z.string(),
    at: z.iso.datetime(),
  })
  .meta({ id: 'QuarantinedScene', description: 'A scene that failed and was moved aside.' });

const RegisteredSchema = z.object({
  sceneId: z.string(),
  acquiredMs: z.number(),
  outcome: z
    .string()
    .meta({ description: '`processed` (201); otherwise why nothing was stored (200).' }),
});
const UploadedSchema = RegisteredSchema.extend({ files: z.array(z.string()) });

/** A registration as a job: reading a scene's bands (remote COGs, a 2 GiB upload) takes long. */
function startRegistrationIn(jobs: Jobs) {
  return (
    principal: Principal,
    owner: { ownerCoopId: string | null },
    run: () => Promise<unknown>,
  ): Job =>
    jobs.start({
      kind: 'scene-registration',
      coopId: owner.ownerCoopId,
      startedBy: principal.name,
      run,
    }).job;
}

const listScenes = createRoute({
  method: 'get',
  path: '/scenes',
  tags: TAGS,
  summary: "The scenes the caller's cooperative may use, oldest first (staff)",
  description: "Its own and the shared ones; an admin's: every scene, with its owner.",
  request: { query: PAGE },
  responses: {
    200: {
      description: 'A page of scenes, oldest first.',
      content: json(z.object({ scenes: z.array(SceneSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const listQuarantine = createRoute({
  method: 'get',
  path: '/scenes/quarantine',
  tags: TAGS,
  summary: 'Scenes that failed and were moved aside, newest first (staff)',
  description: "The cooperative's own and the shared ones; an admin's: all.",
  request: { query: PAGE },
  responses: {
    200: {
      description: 'A page of quarantined scenes, newest first.',
      content: json(z.object({ quarantined: z.array(QuarantinedSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const coopNdviPng = createRoute({
  method: 'get',
  path: '/coops/{coopId}/ndvi.png',
  tags: TAGS,
  summary: 'Every field of the cooperative on one NDVI image (staff)',
  description:
    'At most 2048 px a side. Answers an `ETag`; send it back as `If-None-Match` to get 304 ' +
    'while the image is the same.',
  request: {
    params: z.object({ coopId: idParam('The cooperative.') }),
    query: SceneQuerySchema,
  },
  responses: NDVI_PNG_RESPONSES,
});

const uploadScene = createRoute({
  method: 'post',
  path: '/scenes/upload',
  tags: TAGS,
  summary: 'A scene from a computer: its STAC item and band files (staff)',
  description:
    'One multipart request: exactly one STAC item (`*.json`) and its band files, streamed to ' +
    "the owner's uploads folder (never scanned as shared) up to the box's upload limit, then " +
    "registered for the uploader's cooperative (an admin's: for everyone).",
  middleware: [sceneStaffOnly],
  request: {
    // Read by the route itself: streamed to disk as it arrives, never held in memory.
    body: describedBody(
      'multipart/form-data',
      {
        type: 'object',
        properties: {
          files: {
            type: 'array',
            items: { type: 'string', format: 'binary' },
            description: 'The STAC item (`*.json`) and the band files it names.',
          },
        },
      },
      { required: true },
    ),
  },
  responses: {
    202: {
      description:
        'Received: the registration runs as a job (`Location`); its result is the ' +
        '`SceneUploaded` (`outcome: processed`, or why nothing was stored), its error a 422 ' +
        'for a scene that cannot be read.',
      headers: z.object({ location: z.string() }),
      content: json(JobAcceptedSchema),
    },
    ...COMMON_PROBLEMS,
    ...problems(413),
  },
});

const registerScene = createRoute({
  method: 'post',
  path: '/scenes',
  tags: TAGS,
  summary: 'Register a scene by its STAC item URL (staff)',
  description:
    "Band assets are read as Cloud-Optimized GeoTIFFs with range requests. A cooperative's " +
    "staff register a scene for its fields only; an admin's is shared. Acquisition times more " +
    "than an hour past the box's clock are refused (422).",
  middleware: [limitBody(16 * 1024), sceneStaffOnly],
  request: {
    body: jsonBodyOf(
      z
        .object({
          /** A STAC item by HTTP(S) URL; its band assets are read as Cloud-Optimized GeoTIFFs. */
          itemUrl: z.url({ protocol: /^https?$/ }),
        })
        .strict(),
    ),
  },
  responses: {
    202: {
      description:
        'Started: the registration runs as a job (`Location`); its result is the ' +
        '`SceneRegistered` (`outcome: processed`, or why nothing was stored), its error a 422 ' +
        'for a scene that cannot be read.',
      headers: z.object({ location: z.string() }),
      content: json(JobAcceptedSchema),
    },
    ...COMMON_PROBLEMS,
  },
});

/**
 * Satellite scenes: the list, registering one by URL, and a cooperative's NDVI image (staff of a
 * cooperative, admins).
 */
export function sceneRoutes(deps: {
  registry: Registry;
  scenes: SceneRegistrar;
  /** NDVI images, drawn off the request thread (the worker pool). */
  rasters: SceneRasterService;
  /** Registrations run as jobs. */
  jobs: Jobs;
}) {
  const { registry, scenes } = deps;
  const startRegistration = startRegistrationIn(deps.jobs);
  const routes = openApiRoutes<AppEnv>();
  // The jobs' results: named in the document though no response carries them directly.
  routes.openAPIRegistry.register('SceneRegistered', RegisteredSchema);
  routes.openAPIRegistry.register('SceneUploaded', UploadedSchema);
  return routes
    .openapi(listScenes, async (c) => {
      // The scenes the caller's cooperative may use (its own and the shared ones); admins all.
      const principal = c.get('principal');
      requireRole(principal, SCENE_ROLES);
      const list = await registry.scenes.list(
        principal.role === 'admin' ? {} : { visibleTo: principal.coopId ?? '\0none' },
      );
      // Oldest first, as the registry lists them; ids are unique within an owner.
      const page = pageOf(
        list,
        (s) => [s.acquiredMs, s.ownerCoopId ?? '', s.id],
        c.req.valid('query'),
      );
      return c.json(
        {
          scenes: page.items.map((s) => ({
            id: s.id,
            ownerCoopId: s.ownerCoopId,
            acquired: new Date(s.acquiredMs).toISOString(),
            cloudCoverPct: s.cloudCoverPct,
            processed: new Date(s.processedMs).toISOString(),
          })),
          next: page.next,
        },
        200,
      );
    })
    .openapi(listQuarantine, async (c) => {
      // Scenes that failed and were moved aside: the cooperative's own and the shared ones
      // (the watch folder's); admins all. Where the files went is the operator's (a server path).
      const principal = c.get('principal');
      requireRole(principal, SCENE_ROLES);
      const list = await registry.scenes.quarantined(
        principal.role === 'admin' ? {} : { coopId: principal.coopId ?? '\0none' },
      );
      // Newest first: the time, negated, leads the key (the server path stays out of it).
      const page = pageOf(
        list,
        (q) => [-q.atMs, q.ownerCoopId ?? '', q.name],
        c.req.valid('query'),
      );
      return c.json(
        {
          quarantined: page.items.map((q) => ({
            name: q.name,
            ownerCoopId: q.ownerCoopId,
            code: q.code,
            reason: q.reason,
            at: new Date(q.atMs).toISOString(),
          })),
          next: page.next,
        },
        200,
      );
    })
    .openapi(coopNdviPng, async (c) => {
      // The cooperative's fields in one image: for the manager's dashboard and reports.
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      const fields = await registry.fields.list({ coopId });
      if (fields.length === 0) throw new ShambaError('NOT_FOUND', `no fields in ${coopId}`);
      const scene = await sceneFromQuery(registry, coopId, c.req.valid('query').scene);
      const png = await deps.rasters.coopNdviPng(scene, fields);
      // The image's own bytes make its validator: a new scene or a new field is a new ETag.
      const etag = etagOf(png);
      c.header('etag', etag);
      c.header('cache-control', 'private, no-cache');
      c.header('x-scene-id', scene.id);
      if (notModified(c, etag)) return c.body(null, 304);
      return c.body(png, 200, { 'content-type': 'image/png' });
    })
    .openapi(uploadScene, async (c) => {
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
      const register = async () => {
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
        return { ...result, files };
      };
      return acceptedJob(c, startRegistration(c.get('principal'), owner, register));
    })
    .openapi(registerScene, (c) => {
      const owner = ownerOf(c.get('principal'));
      const { itemUrl } = c.req.valid('json');
      return acceptedJob(
        c,
        startRegistration(c.get('principal'), owner, () => scenes.register(itemUrl, owner)),
      );
    });
}
