import { z } from 'zod';
import { IdSchema } from '../topics/ids.js';

const kc = z.number().min(0.1).max(1.5);
const stageDays = z.number().int().min(1).max(400);

/**
 * What an agronomist may change of a crop's parameters for their cooperative or region. Bounds
 * are those of the FAO-56 tables across all crops (Kc 0.1-1.5, p 0.1-0.8, Ky 0-2), so a typo
 * (a p of 55 for 0.55) is refused rather than published.
 */
export const CropOverrideSchema = z
  .object({
    kc: z.object({ ini: kc, mid: kc, end: kc }).partial().strict().optional(),
    stages: z
      .object({ iniDays: stageDays, devDays: stageDays, midDays: stageDays, lateDays: stageDays })
      .partial()
      .strict()
      .optional(),
    rootDepthMaxM: z.number().gt(0).max(3).optional(),
    depletionFraction: z.number().min(0.1).max(0.8).optional(),
    ky: z.number().min(0).max(2).optional(),
    attainableYieldTHa: z.number().gt(0).max(200).optional(),
  })
  .strict();
export type CropOverride = z.infer<typeof CropOverrideSchema>;

/** A new parameter set as an agronomist submits it. */
export const ParameterSetInputSchema = z
  .object({
    /** Why: the trial, the local study, the extension bulletin the values come from. */
    note: z.string().min(1).max(2000),
    crops: z.record(z.string().regex(/^[a-z][a-z-]{0,39}$/, 'a crop name'), CropOverrideSchema),
  })
  .strict();
export type ParameterSetInput = z.infer<typeof ParameterSetInputSchema>;

/**
 * A cooperative's crop parameters, versioned: each publication is a new version (1, 2, ...),
 * never edited, so every prescription can name the version it was computed with.
 */
export const ParameterSetSchema = ParameterSetInputSchema.extend({
  coopId: IdSchema,
  version: z.number().int().min(1),
  createdAtMs: z.number().int(),
  author: z.string(),
}).meta({
  id: 'ParameterSet',
  description: "A published version of a cooperative's crop parameters.",
});
export type ParameterSet = z.infer<typeof ParameterSetSchema>;
