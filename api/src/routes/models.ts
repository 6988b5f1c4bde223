import { Hono } from 'hono';
import { z } from 'zod';

import {
  checkYieldHistory,
  promotionRefusal,
  readYieldHistoryCsv,
  type ModelOwner,
  type ModelVersionEntry,
  type PromotedModel,
} from '@shamba/analytics';
import { IdSchema, ShambaError, type Role } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop, STAFF_ROLES } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';
import { actingCoopIn } from './acting-coop.js';

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

/** A decade of a large cooperative's field-seasons is a few MiB of CSV. */
const MAX_HISTORY_BYTES = 8 * 1024 * 1024;

/** Which history a DELETE removes: one field-season, or (no `fieldId`) the whole season. */
const DeleteHistoryQuerySchema = z
  .object({ season: z.string().min(1).max(40), fieldId: z.string().min(1).max(80).optional() })
  .strict();

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
  /** Today, for refusing seasons in the future (default Date.now). */
  clock?: () => number;
}) {
  const { registry, store, models } = deps;
  const clock = deps.clock ?? Date.now;
  /** Whose models a request acts on; an admin naming no cooperative: the shared models. */
  const actingCoop = actingCoopIn(registry);
  return (
    new Hono<AppEnv>()
      .post('/coops/:coopId/yield-history', limitBody(MAX_HISTORY_BYTES), async (c) => {
        // Checked row by row against the registry, missing features computed from the stations'
        // readings; any bad row refuses the whole upload, naming its line and column.
        const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
        const numbered = readYieldHistoryCsv(await c.req.text());
        const rows = await checkYieldHistory({ coopId, rows: numbered, registry, store, clock });
        const total = await registry.yieldHistory.put(coopId, rows);
        return c.json(
          {
            coopId,
            received: rows.length,
            stored: total,
            seasons: [...new Set(rows.map((r) => r.season))],
            rainOverEt0FromStations: numbered.filter((n) => n.row.rain_over_et0 === undefined)
              .length,
          },
          201,
        );
      })
      // Replacing is a new upload of the same (season, field); this removes one, or a season.
      .delete('/coops/:coopId/yield-history', async (c) => {
        const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
        const query = DeleteHistoryQuerySchema.safeParse(c.req.query());
        if (!query.success)
          throw new ShambaError(
            'INVALID_REQUEST',
            'name what to delete: ?season=2025-meher, and &fieldId= for one field',
          );
        const { season, fieldId } = query.data;
        const target = fieldId === undefined ? { season } : { season, fieldId };
        const deleted = await registry.yieldHistory.delete(coopId, target);
        if (deleted === 0)
          throw new ShambaError(
            'NOT_FOUND',
            `no yield history for season ${season}${fieldId === undefined ? '' : ` of field ${fieldId}`}`,
          );
        return c.json({ coopId, ...target, deleted });
      })
      .get('/coops/:coopId/yield-history', async (c) => {
        const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
        return c.json({ coopId, rows: await registry.yieldHistory.list(coopId) });
      })
      .get('/models/yield', async (c) => {
        // A cooperative's view (its versions and the shared ones); admins without `?coopId`: all.
        const coopId = await actingCoop(c.get('principal'), c.req.query('coopId'), STAFF_ROLES);
        const versions = await models.list(coopId === null ? { every: true } : { owner: coopId });
        return c.json({
          coopId,
          inUse: await models.inUse(coopId),
          versions: versions.map((v) => ({
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
        });
      })
      .post('/models/yield/train', limitBody(MAX_TRAIN_BODY_BYTES), async (c) => {
        const principal = c.get('principal');
        requireRole(principal, TRAINERS); // before the body is read
        const request = await parseJsonBody(c, TrainRequestSchema);
        // Whose models: the cooperative named, else the caller's; an admin's none: the shared.
        const owner = await actingCoop(principal, request.coopId, TRAINERS);
        return c.json(await models.train(request, owner), 201);
      })
      // Reads no body: the version is in the path, the cooperative is the caller's (an admin's
      // `?coopId=`, else the shared models).
      .post('/models/yield/:version/promote', async (c) => {
        const owner = await actingCoop(c.get('principal'), c.req.query('coopId'), TRAINERS);
        const promoted = await models.promote(owner, c.req.param('version'));
        return c.json({ coopId: owner, promoted: promoted.version, owner: promoted.owner });
      })
  );
}
