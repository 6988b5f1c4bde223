import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import {
  promotionRefusal,
  type ModelOwner,
  type ModelVersionEntry,
  type PromotedModel,
} from '@shamba/analytics';
import { IdSchema, type Role } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, STAFF_ROLES } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { COMMON_PROBLEMS, idParam, json, jsonBodyOf, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import { actingCoopIn } from './acting-coop.js';
import { yieldHistoryRoutes } from './yield-history.js';
import { JobAcceptedSchema, acceptedJob } from '../jobs/accepted.js';
import type { Jobs } from '../jobs/jobs.js';

/** What the API needs of the yield models; `shamba start` provides it (training in a worker). */
export interface YieldModels {
  /**
   * `{ owner: coopId }`: the cooperative's versions and the shared ones; `{ owner: null }`: the
   * shared ones; `{ every: true }`: every owner's (admins). Oldest first. `promoted`: by the
   * listing's cooperative (or, listing every owner, by the version's owner).
   */
  list(scope: { owner: ModelOwner } | { every: true }): Promise<ModelVersionEntry[]>;
  /** What `owner`'s forecasts use: its own promotion, else the shared one, else null. */
  inUse(owner: ModelOwner): Promise<PromotedModel | null>;
  /**
   * Promotes for `owner`: one of its own versions or, for a cooperative, a shared one it adopts.
   * NOT_FOUND for any other version (another cooperative's look the same as none).
   */
  promote(owner: ModelOwner, version: string): Promise<PromotedModel>;
  /**
   * Trains a version owned by `owner` on simulated seasons plus that cooperative's history; a
   * shared one (owner null) on simulated seasons only.
   */
  train(request: TrainRequest, owner: ModelOwner): Promise<Record<string, unknown>>;
}

export const TrainRequestSchema = z
  .object({
    scenario: z.string().min(1).max(80).default('oromia-drought'),
    seasons: z.number().int().min(4).max(500).default(60),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .default(1),
    epochs: z.number().int().min(1).max(2000).optional(),
    hiddenUnits: z.number().int().min(1).max(256).optional(),
    learningRate: z.number().gt(0).lt(1).optional(),
    promote: z.boolean().default(false),
    /**
     * The cooperative the version belongs to (and whose yield history it learns from). An
     * agronomist's version is always their own cooperative's (naming another: NOT_FOUND); an
     * admin's is that cooperative's when given, else a shared base model, which learns from
     * simulated seasons only so that no cooperative's history shapes another's forecasts.
     * Promotion (`promote: true`) is for the same owner.
     */
    coopId: IdSchema.optional(),
  })
  .strict();
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

/**
 * The train request is a dozen small fields (well under 1 KiB); 4 KiB leaves room for
 * whitespace and refuses anything bigger before it is read (issue 13 #1, #12).
 */
export const MAX_TRAIN_BODY_BYTES = 4 * 1024;

/** Who may train and promote models (the dashboard's forms too); staff may list them. */
export const TRAINERS: readonly Role[] = ['admin', 'agronomist'];

const MODEL_TAGS = ['Yield models'];
/** `?coopId=`: the cooperative a request acts for (admins; anyone else's own by default). */
const ActingCoopQuery = z.object({
  coopId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .meta({ description: "The cooperative acted for (admins); by default the caller's own." }),
});

const ModelVersionSchema = z
  .object({
    version: z.string(),
    owner: z.string().nullable().meta({ description: "The cooperative's id; null: shared." }),
    promoted: z.boolean(),
    training: z.unknown().meta({ description: 'Seed, scenario and hyperparameters.' }),
    data: z.unknown().meta({ description: 'The seasons it learned from.' }),
    evaluation: z.unknown().meta({ description: 'Held-out RMSE against FAO-33, and more.' }),
    excluded: z
      .unknown()
      .meta({ description: 'Seasons left out of training and why (history lacking a feature).' }),
    promotionRefused: z
      .string()
      .nullable()
      .meta({ description: 'Why it may not be promoted, or null.' }),
  })
  .meta({ id: 'YieldModelVersion', description: 'A trained yield model version.' });

const PromotedSchema = z.object({ version: z.string(), owner: z.string().nullable() });

const listModels = createRoute({
  method: 'get',
  path: '/models/yield',
  tags: MODEL_TAGS,
  summary: "Yield model versions: your cooperative's and the shared ones (staff)",
  description:
    "`inUse` names the version the cooperative's forecasts use. Admins see every owner's " +
    "versions, or one cooperative's view with `?coopId=`.",
  request: { query: ActingCoopQuery.extend(pageQuery({ defaultLimit: 50, maxLimit: 200 }).shape) },
  responses: {
    200: {
      description: "A page of versions by id, oldest first (an admin's view: by owner first).",
      content: json(
        z.object({
          coopId: z.string().nullable(),
          inUse: PromotedSchema.nullable(),
          versions: z.array(ModelVersionSchema),
          next: NextSchema,
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

/** Trainers only, checked before the body is read. */
const trainersOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireRole(c.get('principal'), TRAINERS);
  await next();
};

const trainModel = createRoute({
  method: 'post',
  path: '/models/yield/train',
  tags: MODEL_TAGS,
  summary: 'Train a yield model version (agronomist)',
  description:
    "An agronomist's version is their cooperative's and learns from simulated seasons plus " +
    "its history; an admin's is shared (simulated seasons only) unless it names `coopId`. " +
    'Answered at once with a job (one training per owner at a time: a second request follows ' +
    'the running one); its result is the saved version with its evaluation. A training whose ' +
    'evaluation is not finite saves nothing (the job fails with status 400).',
  middleware: [limitBody(MAX_TRAIN_BODY_BYTES), trainersOnly],
  request: { body: jsonBodyOf(TrainRequestSchema) },
  responses: {
    202: {
      description: 'Started: follow the job at `Location`.',
      headers: z.object({ location: z.string() }),
      content: json(JobAcceptedSchema),
    },
    ...COMMON_PROBLEMS,
  },
});

const promoteModel = createRoute({
  method: 'post',
  path: '/models/yield/{version}/promote',
  tags: MODEL_TAGS,
  summary: "Make a version the one the cooperative's forecasts use (agronomist)",
  description:
    'Its own versions, or adopting a shared one; never one whose held-out evaluation is not ' +
    "finite or whose RMSE is worse than FAO-33's on the same seasons (400, with the numbers). " +
    'Reads no body. An admin acts on the shared models unless it names `?coopId=`.',
  request: {
    params: z.object({ version: idParam('The version id.') }),
    query: ActingCoopQuery,
  },
  responses: {
    200: {
      description: 'Promoted.',
      content: json(
        z.object({
          coopId: z.string().nullable(),
          promoted: z.string(),
          owner: z.string().nullable(),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

/**
 * Yield history uploads (CSV) and model versions, each owned by a cooperative (or shared, from
 * an admin): list, train (with a seed and hyperparameters; simulated seasons plus the owner's
 * history), promote per cooperative. A cooperative's forecasts use its own promoted version,
 * else the shared promoted one.
 */
export function modelRoutes(deps: {
  registry: Registry;
  /** The stations' readings, from which a history row's missing features are computed. */
  store: TimeSeriesStore;
  models: YieldModels;
  /** Training runs as a job. */
  jobs: Jobs;
  /** Today, for refusing seasons in the future (default Date.now). */
  clock?: () => number;
}) {
  const { registry, store, models } = deps;
  const clock = deps.clock ?? Date.now;
  /** Whose models a request acts on; an admin naming no cooperative: the shared models. */
  const actingCoop = actingCoopIn(registry);
  return (
    openApiRoutes<AppEnv>()
      .route('/', yieldHistoryRoutes({ registry, store, clock }))
      .openapi(listModels, async (c) => {
        // A cooperative's view (its versions and the shared ones); admins without `?coopId`: all.
        const query = c.req.valid('query');
        const coopId = await actingCoop(c.get('principal'), query.coopId, STAFF_ROLES);
        const versions = await models.list(coopId === null ? { every: true } : { owner: coopId });
        // In the store's order: by version id (unique across owners, and timestamped), an
        // admin's view of every owner grouped by owner first.
        const page = pageOf(
          versions,
          (v) => (coopId === null ? [v.owner ?? '', v.version] : [v.version]),
          query,
        );
        return c.json(
          {
            coopId,
            inUse: await models.inUse(coopId),
            versions: page.items.map((v) => ({
              version: v.version,
              owner: v.owner,
              promoted: v.promoted,
              training: v.meta.training,
              data: v.meta.data,
              evaluation: v.meta.evaluation,
              /** Seasons left out of training and why (history lacking a feature). */
              excluded: v.meta.excluded ?? null,
              /** Why it may not be promoted (evaluation not finite, or worse than FAO-33), or null. */
              promotionRefused: promotionRefusal('yield', v.meta),
            })),
            next: page.next,
          },
          200,
        );
      })
      .openapi(trainModel, async (c) => {
        const request = c.req.valid('json');
        // Whose models: the cooperative named, else the caller's; an admin's none: the shared.
        const principal = c.get('principal');
        const owner = await actingCoop(principal, request.coopId, TRAINERS);
        // Training is CPU-bound in a small worker pool: one at a time per owner.
        const { job } = deps.jobs.start({
          kind: 'yield-model-training',
          coopId: owner,
          startedBy: principal.name,
          exclusiveKey: `train:${owner ?? 'shared'}`,
          run: () => models.train(request, owner),
        });
        return acceptedJob(c, job);
      })
      // Reads no body: the version is in the path, the cooperative is the caller's (an admin's
      // `?coopId=`, else the shared models).
      .openapi(promoteModel, async (c) => {
        const owner = await actingCoop(c.get('principal'), c.req.valid('query').coopId, TRAINERS);
        const promoted = await models.promote(owner, c.req.valid('param').version);
        return c.json({ coopId: owner, promoted: promoted.version, owner: promoted.owner }, 200);
      })
  );
}
