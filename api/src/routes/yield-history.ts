import { createRoute, z } from '@hono/zod-openapi';
import { prettifyError } from 'zod';
import { checkYieldHistory, readYieldHistoryCsv } from '@shamba/analytics';
import { ShambaError, YieldHistoryRowSchema } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { staffCoop } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { describedBody } from '../http/described-body.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';

/** A decade of a large cooperative's field-seasons is a few MiB of CSV. */
const MAX_HISTORY_BYTES = 8 * 1024 * 1024;

/** Which history a DELETE removes: one field-season, or (no `fieldId`) the whole season. */
const DeleteHistoryQuerySchema = z
  .object({
    season: z.string().min(1).max(40).meta({ description: 'The season, e.g. `2025-meher`.' }),
    fieldId: z
      .string()
      .min(1)
      .max(80)
      .optional()
      .meta({ description: 'One field of it; without, the whole season.' }),
  })
  .strict();

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const HISTORY_TAGS = ['Yield history'];
const uploadHistory = createRoute({
  method: 'post',
  path: '/coops/{coopId}/yield-history',
  tags: HISTORY_TAGS,
  summary: "Upload the cooperative's yield history as CSV (staff)",
  description:
    "Checked row by row (the field is the cooperative's, the crop known, the yield plausible, " +
    "nothing in the future); `rain_over_et0` is computed from the field's stations where " +
    'missing. Any bad row refuses the whole upload, naming each line and column. A row for a ' +
    'season and field already kept replaces it.',
  middleware: [limitBody(MAX_HISTORY_BYTES)],
  request: {
    params: CoopPath,
    // Read by the route itself: CSV, which the framework does not parse.
    body: describedBody(
      'text/csv',
      { type: 'string', description: 'A header row, then one field-season a row.' },
      { required: true },
    ),
  },
  responses: {
    201: {
      description: 'Stored.',
      content: json(
        z.object({
          coopId: z.string(),
          received: z.number().int(),
          stored: z.number().int().meta({ description: "The cooperative's rows kept in all." }),
          seasons: z.array(z.string()),
          rainOverEt0FromStations: z.number().int(),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const deleteHistory = createRoute({
  method: 'delete',
  path: '/coops/{coopId}/yield-history',
  tags: HISTORY_TAGS,
  summary: "Remove a field-season or a whole season of the cooperative's history (staff)",
  request: { params: CoopPath, query: DeleteHistoryQuerySchema },
  responses: {
    200: {
      description: 'Removed.',
      content: json(
        z.object({
          coopId: z.string(),
          season: z.string(),
          fieldId: z.string().optional(),
          deleted: z.number().int(),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const listHistory = createRoute({
  method: 'get',
  path: '/coops/{coopId}/yield-history',
  tags: HISTORY_TAGS,
  summary: "The cooperative's yield history, by season and field (staff)",
  request: { params: CoopPath, query: pageQuery({ defaultLimit: 1000, maxLimit: 5000 }) },
  responses: {
    200: {
      description: 'A page of field-seasons, by season then field.',
      content: json(
        z.object({ coopId: z.string(), rows: z.array(YieldHistoryRowSchema), next: NextSchema }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

/**
 * A cooperative's own field-seasons (CSV in, JSON out), which its yield models learn from: staff
 * upload, list and remove them. Mounted by `modelRoutes`.
 */
export function yieldHistoryRoutes(deps: {
  registry: Registry;
  /** The stations' readings, from which a history row's missing features are computed. */
  store: TimeSeriesStore;
  /** Today, for refusing seasons in the future. */
  clock: () => number;
}) {
  const { registry, store, clock } = deps;
  return (
    openApiRoutes<AppEnv>()
      .openapi(uploadHistory, async (c) => {
        // Checked row by row against the registry, missing features computed from the stations'
        // readings; any bad row refuses the whole upload, naming its line and column.
        const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
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
      .openapi(
        deleteHistory,
        async (c) => {
          const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
          const { season, fieldId } = c.req.valid('query');
          const target = fieldId === undefined ? { season } : { season, fieldId };
          const deleted = await registry.yieldHistory.delete(coopId, target);
          if (deleted === 0)
            throw new ShambaError(
              'NOT_FOUND',
              `no yield history for season ${season}${fieldId === undefined ? '' : ` of field ${fieldId}`}`,
            );
          return c.json({ coopId, ...target, deleted }, 200);
        },
        // A query that names nothing to delete is told how to name it.
        (result) => {
          if (result.success) return undefined;
          throw new ShambaError(
            'INVALID_REQUEST',
            result.target === 'query'
              ? 'name what to delete: ?season=2025-meher, and &fieldId= for one field'
              : prettifyError(result.error),
          );
        },
      )
      .openapi(listHistory, async (c) => {
        const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
        const page = pageOf(
          await registry.yieldHistory.list(coopId),
          (r) => [r.season, r.field_id],
          c.req.valid('query'),
        );
        return c.json({ coopId, rows: page.items, next: page.next }, 200);
      })
  );
}
