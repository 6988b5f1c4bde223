import { z } from 'zod';

/** An index's spread over a field's (or zone's) clear pixels, area-weighted. */
export const DistributionSchema = z.object({
  mean: z.number(),
  sd: z.number(),
  p10: z.number(),
  p50: z.number(),
  p90: z.number(),
});
export type Distribution = z.infer<typeof DistributionSchema>;

/**
 * One field's (or zone's) indices from one scene (raster's `fieldIndices`): statistics when
 * enough of it was seen clear, else why not. NDMI needs B8A and B11, which a scene may lack.
 */
export const IndicesSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    validFraction: z.number(),
    pixelCount: z.number(),
    ndvi: DistributionSchema,
    // Optional: a record written by hand (tests, imports) may carry NDVI alone.
    savi: DistributionSchema.optional(),
    ndmi: DistributionSchema.nullable().optional(),
  }),
  z.object({ status: z.literal('cloudy'), validFraction: z.number(), pixelCount: z.number() }),
  z.object({ status: z.literal('outside'), validFraction: z.literal(0), pixelCount: z.literal(0) }),
]);
export type Indices = z.infer<typeof IndicesSchema>;

/** A field's indices from a scene, with each management zone's where the field has zones. */
export const FieldIndicesSchema = z.intersection(
  IndicesSchema,
  z.object({ zones: z.record(z.string(), IndicesSchema).optional() }),
);
export type FieldIndicesRecord = z.infer<typeof FieldIndicesSchema>;
