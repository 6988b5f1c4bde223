import { z } from 'zod';

/**
 * One field-season of a cooperative's own history, for training the yield model: the harvested
 * yield and the season's features at harvest, in the units `GET /v1/fields/:id/forecast` shows
 * them (its `features` at the end of a season are exactly these columns). CSV header:
 * season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral
 */
export const YieldHistoryRowSchema = z
  .object({
    /** The season's name, e.g. `2025-meher`: seasons share weather and are held out whole. */
    season: z.string().min(1).max(40),
    field_id: z.string().min(1).max(80),
    crop: z.string().regex(/^[a-z][a-z-]{0,39}$/),
    yield_t_ha: z.coerce.number().min(0).max(200),
    nitrogen_kg_ha: z.coerce.number().min(0).max(1000),
    taw_mm: z.coerce.number().gt(0).max(1000),
    rain_mm: z.coerce.number().min(0).max(10_000),
    gdd_per_day: z.coerce.number().min(0).max(40),
    eta_over_etc: z.coerce.number().min(0).max(1),
    ndvi_peak: z.coerce.number().min(-1).max(1),
    ndvi_integral: z.coerce.number().min(0).max(1),
  })
  .strict();
export type YieldHistoryRow = z.infer<typeof YieldHistoryRowSchema>;

/** A history upload holds at most this many field-seasons (a large cooperative's decade). */
export const MAX_HISTORY_ROWS = 50_000;
