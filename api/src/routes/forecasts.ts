import { Hono } from 'hono';
import { ShambaError, YieldHistoryRowSchema, type YieldHistoryRow } from '@shamba/schemas';
import type { ForecastService } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { canSeeField, staffCoop } from '../auth/tenancy.js';
import { csvLine, type CsvValue } from '../http/csv.js';

/**
 * Yield forecasts: a field's P10/P50/P90 (its farmer and its cooperative's staff), and a
 * cooperative's production by crop (its manager and agronomists, and admins).
 */
/** The columns of the yield-history CSV, in the schema's order. */
const HISTORY_COLUMNS = Object.keys(YieldHistoryRowSchema.shape) as (keyof YieldHistoryRow)[];

export function forecastRoutes(deps: { registry: Registry; forecasts: ForecastService }) {
  const { registry, forecasts } = deps;
  return new Hono<AppEnv>()
    .get('/fields/:fieldId/forecast', async (c) => {
      const id = c.req.param('fieldId');
      const field = await registry.fields.get(id);
      if (field === undefined || !canSeeField(c.get('principal'), field))
        throw new ShambaError('NOT_FOUND', `no field ${id}`);
      return c.json(await forecasts.field(field));
    })
    .get('/coops/:coopId/season-features.csv', async (c) => {
      // The season's features of every field, in the yield-history CSV's columns with the
      // yield left empty: filled in at harvest, it goes back as POST .../yield-history.
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const season = c.req.query('season');
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
    .get('/coops/:coopId/production', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      return c.json(await forecasts.coop(coopId));
    });
}
