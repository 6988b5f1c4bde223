import { ShambaError, round, type Field } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { balanceWindow } from '@shamba/agronomy';
import { WATER_BALANCE_RULE } from '../rules/water-balance/water-balance-prescription.js';
import { createFieldData } from '../prescriptions/field-data.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import { seasonToDate } from './season-to-date.js';
import { readSeasonInputs } from './season-inputs-as-of.js';
import { FEATURE_NAMES } from './yield-features.js';
import { cropProduction } from './crop-production.js';
import { yieldModelInUse, type YieldModelInUse } from './model-in-use.js';

export interface FieldForecast {
  fieldId: string;
  coopId: string;
  crop: string;
  areaHa: number;
  asOfMs: number;
  status: 'ok' | 'no-model' | 'insufficient-data';
  reason: string | null;
  /**
   * What the forecast knows: the season from sowing to yesterday, or only what was known at
   * sowing (sown today, or the station's record starts after sowing; see `assumed`), when the
   * band is the model's widest. Null without features.
   */
  basis: 'season-to-date' | 'at-sowing' | null;
  plantingDate: string;
  /** Yield quantiles, t/ha, and production over the field, t (null unless status is ok). */
  yieldTHa: { p10: number; p50: number; p90: number } | null;
  productionT: { p10: number; p50: number; p90: number } | null;
  /** FAO-33's water production function with ETa/ETm so far: the physics beside the model. */
  fao33: {
    yieldTHa: number;
    productionT: number;
    ky: number;
    ymTHa: number;
    etaOverEtc: number;
  } | null;
  daysSinceSowing: number;
  seasonLengthDays: number;
  features: Record<string, number> | null;
  assumed: string[];
  /** What produced this forecast, so it can be reproduced. */
  versions: { model: string | null; waterBalance: string };
}

export interface CropProduction {
  crop: string;
  fields: number;
  forecastFields: number;
  /** Area of the fields with a forecast, ha. */
  areaHa: number;
  productionT: { p10: number; p50: number; p90: number };
  fao33T: number;
}

export interface CoopProduction {
  coopId: string;
  asOfMs: number;
  modelVersion: string | null;
  crops: CropProduction[];
  withoutForecast: { fieldId: string; crop: string; reason: string }[];
  method: string;
}

export interface ForecastOptions {
  /**
   * Forecast as the model would have on this instant (default: the service's clock, now): the
   * season cut at its local day, with only the readings stamped up to it and the scenes acquired
   * by it. The field's record and the model are today's (the registry keeps no history of
   * either; `versions.model` names the one used). Not after now: the days to come are unknown.
   */
  asOfMs?: number;
}

export interface ForecastService {
  field(field: Field, options?: ForecastOptions): Promise<FieldForecast>;
  coop(coopId: string, options?: ForecastOptions): Promise<CoopProduction>;
  /** Every field of the cooperative, forecast (or explained) as of now or `asOfMs`. */
  fields(coopId: string, options?: ForecastOptions): Promise<FieldForecast[]>;
  /**
   * Each field as of its own instant (`asOfMs` as in ForecastOptions; fields of any
   * cooperatives) in one pass: each field's readings read once over the widest window asked,
   * one worker call per model version. A season's weekly points cost one read of the season.
   */
  at(requests: readonly ForecastRequest[]): Promise<FieldForecast[]>;
}

export interface ForecastRequest {
  field: Field;
  asOfMs: number;
}

export const PRODUCTION_METHOD =
  "Totals add the fields' P10, P50 and P90. A cooperative's fields share one season's weather, " +
  'so their errors move together; adding quantiles is exact when they move fully together and ' +
  'errs wide, never narrow, when they do not.';

/**
 * Yield forecasts per field (P10/P50/P90 from the TF.js model its cooperative promoted, else
 * the shared promoted one, run in a worker, with FAO-33 beside it) and production per
 * cooperative by crop. Computed on request from the readings, the scenes and the model version
 * promoted at that moment, which each answer names.
 */
export function createForecastService(options: {
  registry: Registry;
  store: TimeSeriesStore;
  pool: WorkerPool;
  /** `<data dir>/models`, where `shamba model train` saves versions (see ModelStore). */
  modelsDir: string;
  clock?: () => number;
}): ForecastService {
  const { registry, store, pool, modelsDir } = options;
  const clock = options.clock ?? Date.now;

  /** Per cooperative: its promoted model, else the shared one, else null (FAO-33 only). */
  const modelFor = (coopId: string) => yieldModelInUse(modelsDir, coopId);

  const asOfOf = (options: ForecastOptions): number => {
    const nowMs = clock();
    const asOfMs = options.asOfMs ?? nowMs;
    if (!Number.isSafeInteger(asOfMs) || asOfMs > nowMs)
      throw new ShambaError(
        'INVALID_REQUEST',
        `asOfMs must be an instant in ms up to now (${nowMs}), not ${asOfMs}: a forecast as of ` +
          'a later day would take the days between for dry ones',
      );
    return asOfMs;
  };

  const forecastFields = (fields: readonly Field[], options: ForecastOptions = {}) => {
    const asOfMs = asOfOf(options);
    return forecastAt(fields.map((field) => ({ field, asOfMs })));
  };

  async function forecastAt(requests: readonly ForecastRequest[]): Promise<FieldForecast[]> {
    for (const { asOfMs } of requests) asOfOf({ asOfMs });
    const coopIds = [...new Set(requests.map((r) => r.field.coopId))];
    const inUse = new Map(
      await Promise.all(coopIds.map(async (id) => [id, await modelFor(id)] as const)),
    );
    // The cooperatives' stations and time zones (kept without DST: one offset all season).
    const data = createFieldData({ registry, store, clock });
    const windows = await Promise.all(
      requests.map(async ({ field, asOfMs }) => {
        const context = await data.coop(field.coopId);
        const utcOffsetMinutes = context.utcOffsetMinutes;
        const { startMs } = balanceWindow({
          plantingDate: field.plantingDate,
          asOfMs,
          utcOffsetMinutes,
        });
        const stations = data.stationsFor(context, field);
        return { field, stations, startMs, asOfMs, utcOffsetMinutes };
      }),
    );
    const inputs = await readSeasonInputs({ registry, store }, windows);
    const prepared = windows.map(({ field, asOfMs, utcOffsetMinutes }, i) => {
      const model = inUse.get(field.coopId) ?? null;
      const season = seasonToDate({
        field,
        utcOffsetMinutes,
        ...inputs[i]!,
        asOfMs,
        nitrogenKgHa: field.nitrogenKgHa ?? null,
        defaultNitrogenKgHa: round(model?.nitrogenMean ?? 0, 0),
      });
      return { field, asOfMs, season, model };
    });
    // One worker call per model version in use (by the folder and id of its files: cooperatives
    // on the same shared version share it), each with the rows of the fields it serves.
    const batches = new Map<string, { model: YieldModelInUse; rows: number[][] }>();
    const slots = prepared.map(({ season, model }) => {
      if (season.features === null || model === null || model.unusable !== null) return undefined;
      const key = `${model.dir}\0${model.version}`;
      const batch = batches.get(key) ?? { model, rows: [] };
      batches.set(key, batch);
      return { key, row: batch.rows.push(season.features) - 1 };
    });
    const quantiles = new Map(
      await Promise.all(
        [...batches].map(
          async ([key, { model, rows }]) =>
            [
              key,
              await pool.run('yield.forecast', {
                modelsDir: model.dir,
                version: model.version,
                rows,
              }),
            ] as const,
        ),
      ),
    );
    return prepared.map(({ field, asOfMs, season, model }, i) => {
      const slot = slots[i];
      const q = slot === undefined ? undefined : quantiles.get(slot.key)?.[slot.row];
      const base = {
        fieldId: field.id,
        coopId: field.coopId,
        crop: field.crop,
        areaHa: field.areaHa,
        asOfMs,
        basis: season.basis,
        plantingDate: field.plantingDate,
        daysSinceSowing: season.daysSinceSowing,
        seasonLengthDays: season.seasonLengthDays,
        features:
          season.features === null
            ? null
            : Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, round(season.features![i]!, 4)])),
        assumed: season.assumed,
        fao33:
          season.fao33 === null
            ? null
            : {
                yieldTHa: round(season.fao33.yieldTHa, 2),
                productionT: round(season.fao33.yieldTHa * field.areaHa, 2),
                ky: season.fao33.ky,
                ymTHa: season.fao33.ymTHa,
                etaOverEtc: round(season.etaOverEtc!, 3),
              },
        versions: {
          model: model?.version ?? null,
          waterBalance: `${WATER_BALANCE_RULE.name}@${WATER_BALANCE_RULE.version}`,
        },
      };
      if (season.features === null)
        return {
          ...base,
          status: 'insufficient-data',
          reason: season.missing,
          yieldTHa: null,
          productionT: null,
        };
      if (q === undefined)
        return {
          ...base,
          status: 'no-model',
          reason:
            model?.unusable ?? 'no yield model is promoted: run `shamba model train --promote`',
          yieldTHa: null,
          productionT: null,
        };
      const yieldTHa = {
        p10: round(q.p10THa, 2),
        p50: round(q.p50THa, 2),
        p90: round(q.p90THa, 2),
      };
      return {
        ...base,
        status: 'ok',
        reason: null,
        yieldTHa,
        productionT: {
          p10: round(q.p10THa * field.areaHa, 2),
          p50: round(q.p50THa * field.areaHa, 2),
          p90: round(q.p90THa * field.areaHa, 2),
        },
      };
    });
  }

  return {
    field: async (field, options = {}) =>
      (await forecastAt([{ field, asOfMs: asOfOf(options) }]))[0]!,
    fields: async (coopId, options) =>
      forecastFields(await registry.fields.list({ coopId }), options),
    at: forecastAt,
    async coop(coopId, options = {}) {
      const asOfMs = asOfOf(options);
      const fields = await registry.fields.list({ coopId });
      const forecasts = await forecastAt(fields.map((field) => ({ field, asOfMs })));
      return {
        coopId,
        asOfMs,
        modelVersion: forecasts[0]?.versions.model ?? (await modelFor(coopId))?.version ?? null,
        crops: cropProduction(forecasts),
        withoutForecast: forecasts
          .filter((f) => f.status !== 'ok')
          .map((f) => ({ fieldId: f.fieldId, crop: f.crop, reason: f.reason ?? f.status })),
        method: PRODUCTION_METHOD,
      };
    },
  };
}
