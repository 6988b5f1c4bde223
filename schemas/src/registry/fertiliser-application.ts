import { z } from 'zod';
import { IdSchema } from '../topics/ids.js';
import { RoleSchema } from './entities.js';

/**
 * How an amount was given: kg of the product per hectare (its N from the product's N content),
 * or kg N per hectare directly (any product, manure included).
 */
export const FERTILISER_AMOUNT_UNITS = ['kg-product-ha', 'kg-n-ha'] as const;

/**
 * The most product a hectare takes in one application: urea at 400 kg N/ha, far past what any
 * crop takes up in a season, is 870 kg; a larger figure is a mistake (kg per plot, or per bag).
 */
export const MAX_FERTILISER_KG_HA = 1000;

/** What is recorded: when, which product, how much (POST /v1/fields/{id}/fertiliser-applications). */
export const FertiliserApplicationInputSchema = z
  .object({
    /** The local date it was applied. */
    date: z.iso.date(),
    /** A product of @shamba/agronomy's N_PRODUCTS (`urea`, `can`, `nps`, `dap`, ...) or any other name. */
    product: z.string().min(1).max(40),
    amount: z.number().positive().max(MAX_FERTILISER_KG_HA),
    unit: z.enum(FERTILISER_AMOUNT_UNITS),
    note: z.string().max(500).optional(),
  })
  .strict();
export type FertiliserApplicationInput = z.infer<typeof FertiliserApplicationInputSchema>;

/** A recorded application, with the N it carried and who recorded it. */
export const FertiliserApplicationSchema = FertiliserApplicationInputSchema.extend({
  /** The registry's number for it. */
  id: z.number().int(),
  fieldId: IdSchema,
  coopId: IdSchema,
  /** N in the application, kg N/ha. */
  nKgHa: z.number().min(0),
  recordedBy: z.object({ name: z.string(), role: RoleSchema }),
  recordedAtMs: z.number().int(),
}).meta({
  id: 'FertiliserApplication',
  description: 'A fertiliser application recorded on a field, with the N it carried.',
});
export type FertiliserApplication = z.infer<typeof FertiliserApplicationSchema>;
export type NewFertiliserApplication = Omit<FertiliserApplication, 'id'>;
