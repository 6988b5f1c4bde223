import { createRoute, z } from '@hono/zod-openapi';
import {
  CoopProductionSchema,
  FieldForecastSchema,
  ShambaError,
  YieldHistoryRowSchema,
  type FieldForecastView,
  type YieldHistoryRow,
} from '@shamba/schemas';
import type { CoopProduction, ForecastService } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { canSeeField, staffCoop } from '../auth/tenancy.js';
import { csvLine, type CsvValue } from '../http/csv.js';
import type { Context } from 'hono';
import { etagOf, notModified } from '../http/etag.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';

/** The columns of the yield-history CSV, in the schema's order. */
const HISTORY_COLUMNS = Object.keys(YieldHistoryRowSchema.shape) as (keyof YieldHistoryRow)[];

const TAGS = ['Forecasts'];
const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const ETAG_NOTE =
  'With a weak `ETag` (the forecast apart from `asOfMs`, the moment it was asked): send it ' +
  'back as `If-None-Match` and a forecast that says the same answers 304.';
const NOT_MODIFIED = {
  304: { description: 'The forecast the client holds (its `If-None-Match`) is current.' },
};

const fieldForecast = createRoute({
  method: 'get',
  path: '/fields/{fieldId}/forecast',
  tags: TAGS,
  summary: "A field's yield forecast, P10/P50/P90 (its farmer and its cooperative's staff)",
  description: ETAG_NOTE,
  request: { params: z.object({ fieldId: idParam('The field.') }) },
  responses: {
    200: {
      description: 'The forecast, or why there is none (`status`, `reason`).',
      headers: z.object({ etag: z.string() }),
      content: json(FieldForecastSchema),
    },
    ...NOT_MODIFIED,
    ...COMMON_PROBLEMS,
  },
});

const seasonFeatures = createRoute({
  method: 'get',
  path: '/coops/{coopId}/season-features.csv',
  tags: TAGS,
  summary: "The season's features of every field, as yield-history CSV (staff)",
  description:
    'In the yield-history columns with the yield left empty: filled in at harvest, it goes ' +
    'back as `POST /v1/coops/{id}/yield-history`. Only fields followed from sowing. Cells a ' +
    'spreadsheet would run as a formula are written safe.',
  request: {
    params: CoopPath,
    query: z.object({
      season: z
        .string()
        .optional()
        .meta({ description: "The season's name, e.g. `2026-meher` (1-40 of `A-Za-z0-9_.-`)." }),
    }),
  },
  responses: {
    200: {
      description: 'The CSV, a header line first.',
      content: { 'text/csv': { schema: z.string() } },
    },
    ...COMMON_PROBLEMS,
  },
});

const coopProduction = createRoute({
  method: 'get',
  path: '/coops/{coopId}/production',
  tags: TAGS,
  summary: "The cooperative's forecast production by crop (staff)",
  description: ETAG_NOTE,
  request: { params: CoopPath },
  responses: {
    200: {
      description: 'P10/P50/P90 production by crop, and the fields without a forecast.',
      headers: z.object({ etag: z.string() }),
      content: json(CoopProductionSchema),
    },
    ...NOT_MODIFIED,
    ...COMMON_PROBLEMS,
  },
});

/**
 * A forecast is computed as of the moment it is asked (`asOfMs`), so no two answers are the same
 * bytes; two that differ only in `asOfMs` say the same, which is what a weak validator is for
 * (RFC 9110 §8.8.1). 304 when the client holds one that says the same.
 */
function forecastWithETag(c: Context, value: { asOfMs: number }): Response {
  const { asOfMs: _asked, ...content } = value;
  const etag = `W/${etagOf(JSON.stringify(content))}`;
  c.header('etag', etag);
  // Tenant data, kept by the client and checked again each time.
  c.header('cache-control', 'private, no-cache');
  if (notModified(c, etag)) return c.body(null, 304);
  return c.body(JSON.stringify(value), 200, { 'content-type': 'application/json' });
}

/**
 * Yield forecasts: a field's P10/P50/P90 (its farmer and its cooperative's staff), and a
 * cooperative's production by crop (its manager and agronomists, and admins).
 */
export function forecastRoutes(deps: { registry: Registry; forecasts: ForecastService }) {
  const { registry, forecasts } = deps;
  return openApiRoutes<AppEnv>()
    .openapi(fieldForecast, async (c) => {
      const id = c.req.valid('param').fieldId;
      const field = await registry.fields.get(id);
      if (field === undefined || !canSeeField(c.get('principal'), field))
        throw new ShambaError('NOT_FOUND', `no field ${id}`);
      const forecast: FieldForecastView = await forecasts.field(field);
      return forecastWithETag(c, forecast);
    })
    .openapi(seasonFeatures, async (c) => {
      // The season's features of every field, in the yield-history CSV's columns with the
      // yield left empty: filled in at harvest, it goes back as POST .../yield-history.
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      const { season } = c.req.valid('query');
      if (season === undefined || !/^[\w.-]{1,40}$/.test(season))
        throw new ShambaError('INVALID_REQUEST', 'name the season: ?season=2026-meher');
      const fields = await registry.fields.list({ coopId });
      const sown = new Map(fields.map((f) => [f.id, f.plantingDate]));
      const rows = (await forecasts.fields(coopId)).flatMap((f) => {
        const x = f.features;
        // Only seasons followed from sowing: a forecast from what was known at sowing has no
        // season's rain, heat or canopy to export.
        if (x === null || f.basis !== 'season-to-date') return [];
        const row: Record<keyof YieldHistoryRow, CsvValue> = {
          season,
          field_id: f.fieldId,
          crop: f.crop,
          yield_t_ha: '',
          nitrogen_kg_ha: x.nitrogenKgHa!,
          taw_mm: x.tawMm!,
          rain_mm: x.rainMm!,
          gdd_per_day: x.gddPerDay!,
          eta_over_etc: x.etaOverEtc!,
          ndvi_peak: x.ndviPeak!,
          ndvi_integral: x.ndviIntegral!,
          rain_over_et0: x.rainOverEt0 ?? '',
          sowing_date: sown.get(f.fieldId) ?? '',
        };
        // The season is the caller's and the crop is the field's text: a cell a spreadsheet
        // would run as a formula, or one with a comma, is written safe (csvCell).
        return [csvLine(HISTORY_COLUMNS.map((k) => row[k]))];
      });
      return c.body([HISTORY_COLUMNS.join(','), ...rows].join('\n') + '\n', 200, {
        'content-type': 'text/csv; charset=utf-8',
      });
    })
    .openapi(coopProduction, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      const production: CoopProduction = await forecasts.coop(coopId);
      return forecastWithETag(c, production satisfies z.infer<typeof CoopProductionSchema>);
    });
}
