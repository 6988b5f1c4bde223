import { addDays, localDate, utcOffsetMinutes } from '@shamba/agronomy';
import {
  cropProduction,
  type CropProduction,
  type FieldForecast,
  type ForecastService,
} from '@shamba/analytics';
import { ShambaError, type Field, type Principal } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { fieldFilterFor, staffCoop } from '../../../auth/tenancy.js';
import type { SeasonPointCache } from './season-cache.js';
import { seasonPoints, type SeasonPoint } from './season-points.js';

/** One field on the forecast page: today's forecast and the points of its season so far. */
export interface FieldView {
  fieldId: string;
  name: string;
  crop: string;
  areaHa: number;
  plantingDate: string;
  /** Sowing plus the crop's nominal season length: where the season axis ends. */
  harvestDate: string;
  status: FieldForecast['status'];
  reason: string | null;
  basis: FieldForecast['basis'];
  yieldTHa: FieldForecast['yieldTHa'];
  productionT: FieldForecast['productionT'];
  fao33: { yieldTHa: number; productionT: number } | null;
  /** The forecasts along the season, oldest first (see `seasonPoints`). */
  season: SeasonPoint[];
}

export interface ForecastView {
  /** The cooperative shown (staff), or null for a farmer's own fields. */
  coopId: string | null;
  /** Local date of the forecasts (the cooperative's time zone). */
  asOfDate: string;
  modelVersion: string | null;
  fields: FieldView[];
  crops: CropProduction[];
  /** Past season points not drawn yet: still being computed in the background. */
  seasonComputing: number;
}

/**
 * Whose forecasts the principal may see. Staff (admin, manager, agronomist): one cooperative's
 * fields, theirs (an admin picks with `?coop=`, else the first cooperative); another
 * cooperative's answers NOT_FOUND as in the API. A farmer: their own fields only (what
 * `GET /v1/fields/:id/forecast` already gives them), totals over those; naming a cooperative
 * that is not theirs is NOT_FOUND too. Anyone else (a technician): NOT_AUTHORIZED, as the
 * API's production route.
 */
export async function fieldsInView(
  registry: Registry,
  principal: Principal,
  coopQuery: string | undefined,
): Promise<{ coopId: string | null; fields: Field[] }> {
  if (principal.role === 'farmer') {
    if (coopQuery !== undefined && coopQuery !== principal.coopId)
      throw new ShambaError('NOT_FOUND', `no cooperative ${coopQuery}`);
    return { coopId: null, fields: await registry.fields.list(fieldFilterFor(principal)) };
  }
  const wanted =
    coopQuery ??
    principal.coopId ??
    // An admin without a cooperative of their own: the first one, by id.
    (await registry.coops.list()).map((c) => c.id).sort()[0] ??
    '\0none';
  const coopId = await staffCoop(registry, principal, wanted);
  return { coopId, fields: await registry.fields.list({ coopId }) };
}

/**
 * The page's data: each visible field's forecast now and along its season, and the totals by
 * crop. Staff get one `fields(coopId)` call (the cooperative's forecasts in one batch, one
 * worker call per model); a farmer one `field()` per own field, since the service lists only
 * whole cooperatives.
 */
export async function loadForecastView(options: {
  registry: Registry;
  forecasts: ForecastService;
  principal: Principal;
  coopQuery: string | undefined;
  clock: () => number;
  /**
   * Each field's season (the chart's; the CSV has none): past points from `cache`, the page
   * waiting at most `waitMs` for those not there yet.
   */
  season?: { cache: SeasonPointCache<SeasonPoint>; waitMs: number };
}): Promise<ForecastView> {
  const { registry, forecasts, principal, clock } = options;
  const { coopId, fields } = await fieldsInView(registry, principal, options.coopQuery);
  const byId = new Map(fields.map((f) => [f.id, f]));
  const now =
    coopId === null
      ? await Promise.all(fields.map((f) => forecasts.field(f)))
      : await forecasts.fields(coopId);
  const coop = await registry.coops.get(coopId ?? fields[0]?.coopId ?? '\0none');
  const offset = utcOffsetMinutes(coop?.timezone ?? 'UTC', clock());
  const asOfDate = localDate(now[0]?.asOfMs ?? clock(), offset);
  const seasons =
    options.season === undefined
      ? { points: [], computing: 0 }
      : await seasonPoints({
          forecasts,
          fields: byId,
          now,
          asOfDate,
          utcOffsetMinutes: offset,
          ...options.season,
        });
  const views = now
    .map((f, i): FieldView | undefined => {
      const field = byId.get(f.fieldId);
      if (field === undefined) return undefined;
      return {
        fieldId: f.fieldId,
        name: field.name,
        crop: f.crop,
        areaHa: f.areaHa,
        plantingDate: f.plantingDate,
        harvestDate: addDays(f.plantingDate, f.seasonLengthDays),
        status: f.status,
        reason: f.reason,
        basis: f.basis,
        yieldTHa: f.yieldTHa,
        productionT: f.productionT,
        fao33:
          f.fao33 === null
            ? null
            : { yieldTHa: f.fao33.yieldTHa, productionT: f.fao33.productionT },
        season: seasons.points[i] ?? [],
      };
    })
    .filter((v) => v !== undefined)
    .sort((a, b) => a.crop.localeCompare(b.crop) || a.name.localeCompare(b.name));
  return {
    coopId,
    asOfDate,
    modelVersion: now.find((f) => f.versions.model !== null)?.versions.model ?? null,
    fields: views,
    // Summed from the forecasts above (the ForecastService's own rule, not `coop()`): each field
    // is forecast once, the totals are of the very numbers in the table, and a farmer's cover
    // their own fields only.
    crops: cropProduction(now),
    seasonComputing: seasons.computing,
  };
}
