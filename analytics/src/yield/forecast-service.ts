import { round, type Field } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { balanceWindow, localDate } from '@shamba/agronomy';
import { WATER_BALANCE_RULE } from '../rules/water-balance/water-balance-prescription.js';
import { createFieldData } from '../prescriptions/field-data.js';
import type { WorkerPool } from '../worker/worker-pool.js';
import { seasonToDate } from './season-to-date.js';
import { indexMean } from '@shamba/raster';
import { FEATURE_NAMES } from './yield-features.js';
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

export interface ForecastService {
  field(field: Field): Promise<FieldForecast>;
  coop(coopId: string): Promise<CoopProduction>;
  /** Every field of the cooperative, forecast (or explained) as of now. */
  fields(coopId: string): Promise<FieldForecast[]>;
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

  async function forecastFields(fields: readonly Field[]): Promise<FieldForecast[]> {
    const coopIds = [...new Set(fields.map((f) => f.coopId))];
    const inUse = new Map(
      await Promise.all(coopIds.map(async (id) => [id, await modelFor(id)] as const)),
    );
    const data = createFieldData({ registry, store, clock });
    const nowMs = clock();
    const prepared = await Promise.all(
      fields.map(async (field) => {
        const model = inUse.get(field.coopId) ?? null;
        const context = await data.coop(field.coopId);
        const offset = context.utcOffsetMinutes;
        const { startMs } = balanceWindow({
          plantingDate: field.plantingDate,
          asOfMs: nowMs,
          utcOffsetMinutes: offset,
        });
        const stations = data.stationsFor(context, field);
        const [weather, soil, status, scenes] = await Promise.all([
          data.station(stations, startMs, offset),
          store.query({ fieldId: field.id, stream: 'soil', fromMs: startMs, toMs: nowMs + 1 }),
          store.query({ fieldId: field.id, stream: 'status', fromMs: startMs, toMs: nowMs + 1 }),
          // Only scenes the field's cooperative may use (its own and the shared ones).
          registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId }),
        ]);
        const season = seasonToDate({
          field,
          utcOffsetMinutes: offset,
          weather,
          // Only each probe's last reading of a day counts (it resets Dr); pass no more.
          soil: lastOfDay(soil, offset),
          status: status.filter((r) => r.values.appliedMm !== undefined),
          asOfMs: nowMs,
          ndvi: scenes.map((s) => ({
            acquiredMs: s.acquiredMs,
            value: indexMean(s.indices, 'ndvi'),
          })),
          nitrogenKgHa: field.nitrogenKgHa ?? null,
          defaultNitrogenKgHa: round(model?.nitrogenMean ?? 0, 0),
        });
        return { field, season, model };
      }),
    );
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
    return prepared.map(({ field, season, model }, i) => {
      const slot = slots[i];
      const q = slot === undefined ? undefined : quantiles.get(slot.key)?.[slot.row];
      const base = {
        fieldId: field.id,
        coopId: field.coopId,
        crop: field.crop,
        areaHa: field.areaHa,
        asOfMs: nowMs,
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
    field: async (field) => (await forecastFields([field]))[0]!,
    fields: async (coopId) => forecastFields(await registry.fields.list({ coopId })),
    async coop(coopId) {
      const fields = await registry.fields.list({ coopId });
      const forecasts = await forecastFields(fields);
      const crops = new Map<string, CropProduction>();
      for (const f of forecasts) {
        const c = crops.get(f.crop) ?? {
          crop: f.crop,
          fields: 0,
          forecastFields: 0,
          areaHa: 0,
          productionT: { p10: 0, p50: 0, p90: 0 },
          fao33T: 0,
        };
        c.fields++;
        if (f.productionT !== null) {
          c.forecastFields++;
          c.areaHa += f.areaHa;
          c.productionT.p10 += f.productionT.p10;
          c.productionT.p50 += f.productionT.p50;
          c.productionT.p90 += f.productionT.p90;
          c.fao33T += f.fao33?.productionT ?? 0;
        }
        crops.set(f.crop, c);
      }
      return {
        coopId,
        asOfMs: clock(),
        modelVersion: forecasts[0]?.versions.model ?? (await modelFor(coopId))?.version ?? null,
        crops: [...crops.values()]
          .sort((a, b) => a.crop.localeCompare(b.crop))
          .map((c) => ({
            ...c,
            areaHa: round(c.areaHa, 3),
            productionT: {
              p10: round(c.productionT.p10, 2),
              p50: round(c.productionT.p50, 2),
              p90: round(c.productionT.p90, 2),
            },
            fao33T: round(c.fao33T, 2),
          })),
        withoutForecast: forecasts
          .filter((f) => f.status !== 'ok')
          .map((f) => ({ fieldId: f.fieldId, crop: f.crop, reason: f.reason ?? f.status })),
        method: PRODUCTION_METHOD,
      };
    },
  };
}

/** Each device's last reading of each local day, in time order. */
function lastOfDay<T extends { deviceId: string; timeMs: number }>(
  readings: readonly T[],
  utcOffsetMinutes: number,
): T[] {
  const last = new Map<string, T>();
  for (const r of readings) {
    const key = `${r.deviceId}|${localDate(r.timeMs, utcOffsetMinutes)}`;
    const seen = last.get(key);
    if (seen === undefined || r.timeMs > seen.timeMs) last.set(key, r);
  }
  return [...last.values()].sort((a, b) => a.timeMs - b.timeMs);
}
