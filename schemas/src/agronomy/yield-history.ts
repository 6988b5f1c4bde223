import { z } from 'zod';

/**
 * A CSV cell as a number: an empty cell is missing (never 0, which `z.coerce.number()` would make
 * of it: a blank yield would otherwise store a failed harvest), text that is not a number is NaN
 * and refused, and so are infinities.
 */
const csvNumber = (check: (n: z.ZodNumber) => z.ZodNumber) =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      return v.trim() === '' ? undefined : Number(v);
    },
    check(
      z.number({
        error: (issue) =>
          issue.input === undefined
            ? 'required'
            : `not a finite number (${String(issue.input as number)})`,
      }),
    ),
  );

/** An optional CSV cell: an empty cell (or no column) is absent. */
const csvOptional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    schema.optional(),
  );

/**
 * A season's name starts with its year (`2025-meher`, `2024-belg`, `2023`), so that a season
 * in the future can be told from one that happened.
 */
export const SEASON_NAME = /^(\d{4})(?:-[a-z0-9][a-z0-9-]{0,34})?$/;

/**
 * One field-season of a cooperative's own history, for training the yield model: the harvested
 * yield and the season's features at harvest, in the units `GET /v1/fields/:id/forecast` shows
 * them (its `features` at the end of a season are exactly these columns). CSV header:
 * season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral
 * and optionally rain_over_et0 (the season's rain over its reference ET) and sowing_date (from
 * which rain_over_et0 is computed with the field's stored station weather when it is not given).
 */
export const YieldHistoryRowSchema = z
  .object({
    /** The season's name, e.g. `2025-meher`: seasons share weather and are held out whole. */
    season: z.string().regex(SEASON_NAME, 'a year, optionally followed by a name: 2025-meher'),
    field_id: z.string().min(1).max(80),
    crop: z.string().regex(/^[a-z][a-z-]{0,39}$/),
    yield_t_ha: csvNumber((n) => n.min(0).max(200)),
    nitrogen_kg_ha: csvNumber((n) => n.min(0).max(1000)),
    taw_mm: csvNumber((n) => n.gt(0).max(1000)),
    rain_mm: csvNumber((n) => n.min(0).max(10_000)),
    gdd_per_day: csvNumber((n) => n.min(0).max(40)),
    eta_over_etc: csvNumber((n) => n.min(0).max(1)),
    ndvi_peak: csvNumber((n) => n.min(-1).max(1)),
    ndvi_integral: csvNumber((n) => n.min(0).max(1)),
    /**
     * The season's rain over its reference evapotranspiration (FAO-56 ET0), both in mm. 20 is a
     * monsoon's 2,000 mm over a cool season's 100 mm: anything above is a unit slip.
     */
    rain_over_et0: csvOptional(csvNumber((n) => n.min(0).max(20))),
    /** The day the crop was sown, where known: locates the season in the station's record. */
    sowing_date: csvOptional(z.iso.date()),
  })
  .strict()
  .meta({
    id: 'YieldHistoryRow',
    description: "One field-season of a cooperative's yield history.",
  });
export type YieldHistoryRow = z.infer<typeof YieldHistoryRowSchema>;

/** A history upload holds at most this many field-seasons (a large cooperative's decade). */
export const MAX_HISTORY_ROWS = 50_000;
