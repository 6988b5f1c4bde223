import { z } from 'zod';

/** P10, P50 and P90 of a quantity. */
const BandSchema = z.object({ p10: z.number(), p50: z.number(), p90: z.number() });

/**
 * A field's yield forecast as `GET /v1/fields/{id}/forecast` answers it (analytics'
 * `FieldForecast`): the model's P10/P50/P90 beside FAO-33's water production function, with
 * what it knew and what produced it.
 */
export const FieldForecastSchema = z
  .object({
    fieldId: z.string(),
    coopId: z.string(),
    crop: z.string(),
    areaHa: z.number(),
    asOfMs: z.number(),
    status: z.enum(['ok', 'no-model', 'insufficient-data']),
    reason: z.string().nullable(),
    /** What the forecast knows: the season so far, or only what was known at sowing. */
    basis: z.enum(['season-to-date', 'at-sowing']).nullable(),
    plantingDate: z.string(),
    /** Yield, t/ha, and production over the field, t (null unless status is ok). */
    yieldTHa: BandSchema.nullable(),
    productionT: BandSchema.nullable(),
    /** FAO-33 (Doorenbos & Kassam 1979) with ETa/ETm so far. */
    fao33: z
      .object({
        yieldTHa: z.number(),
        productionT: z.number(),
        ky: z.number(),
        ymTHa: z.number(),
        etaOverEtc: z.number(),
      })
      .nullable(),
    daysSinceSowing: z.number(),
    seasonLengthDays: z.number(),
    features: z.record(z.string(), z.number()).nullable(),
    assumed: z.array(z.string()),
    versions: z.object({ model: z.string().nullable(), waterBalance: z.string() }),
  })
  .meta({ id: 'FieldForecast', description: "A field's yield forecast (P10/P50/P90, t/ha)." });
export type FieldForecastView = z.infer<typeof FieldForecastSchema>;

/** A cooperative's production by crop, as `GET /v1/coops/{id}/production` answers it. */
export const CoopProductionSchema = z
  .object({
    coopId: z.string(),
    asOfMs: z.number(),
    modelVersion: z.string().nullable(),
    crops: z.array(
      z.object({
        crop: z.string(),
        fields: z.number().int(),
        forecastFields: z.number().int(),
        /** Area of the fields with a forecast, ha. */
        areaHa: z.number(),
        productionT: BandSchema,
        fao33T: z.number(),
      }),
    ),
    withoutForecast: z.array(
      z.object({ fieldId: z.string(), crop: z.string(), reason: z.string() }),
    ),
    method: z.string(),
  })
  .meta({ id: 'CoopProduction', description: "A cooperative's forecast production by crop." });
