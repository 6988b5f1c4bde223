import { Hono } from 'hono';
import { z } from 'zod';

import { parseYieldHistoryCsv } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';

/** What the API needs of the yield models; `shamba start` provides it (training in a worker). */
export interface YieldModels {
  list(): Promise<{ version: string; promoted: boolean; meta: Record<string, unknown> }[]>;
  promote(version: string): Promise<void>;
  /** Simulated seasons plus the named cooperatives' uploaded history. */
  train(request: TrainRequest, historyCoops: readonly string[]): Promise<Record<string, unknown>>;
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
  })
  .strict();
export type TrainRequest = z.infer<typeof TrainRequestSchema>;

/** A decade of a large cooperative's field-seasons is a few MiB of CSV. */
const MAX_HISTORY_BYTES = 8 * 1024 * 1024;

/**
 * Yield history uploads (CSV) and model versions: list, train (with a seed and
 * hyperparameters; simulated seasons plus the caller's cooperative's history), promote.
 */
export function modelRoutes(deps: { registry: Registry; models: YieldModels }) {
  const { registry, models } = deps;
  return new Hono<AppEnv>()
    .post('/coops/:coopId/yield-history', limitBody(MAX_HISTORY_BYTES), async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const rows = parseYieldHistoryCsv(await c.req.text());
      const total = await registry.yieldHistory.put(coopId, rows);
      return c.json(
        {
          coopId,
          received: rows.length,
          stored: total,
          seasons: [...new Set(rows.map((r) => r.season))],
        },
        201,
      );
    })
    .get('/coops/:coopId/yield-history', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      return c.json({ coopId, rows: await registry.yieldHistory.list(coopId) });
    })
    .get('/models/yield', async (c) => {
      requireRole(c.get('principal'), ['admin', 'manager', 'agronomist']);
      const versions = await models.list();
      return c.json({
        versions: versions.map((v) => ({
          version: v.version,
          promoted: v.promoted,
          training: v.meta.training,
          data: v.meta.data,
          evaluation: v.meta.evaluation,
        })),
      });
    })
    .post('/models/yield/train', async (c) => {
      const principal = c.get('principal');
      requireRole(principal, ['admin', 'agronomist']);
      const request = await parseJsonBody(c, TrainRequestSchema);
      // An agronomist's model learns from their own cooperative's history; an admin's from all.
      const coops =
        principal.role === 'admin'
          ? (await registry.coops.list()).map((x) => x.id)
          : [principal.coopId ?? ''];
      return c.json(await models.train(request, coops), 201);
    })
    .post('/models/yield/:version/promote', async (c) => {
      requireRole(c.get('principal'), ['admin', 'agronomist']);
      await models.promote(c.req.param('version'));
      return c.json({ promoted: c.req.param('version') });
    });
}
