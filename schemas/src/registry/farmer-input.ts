import { z } from 'zod';
import { ConsentSchema, FarmerSchema } from './entities.js';

/**
 * Consent as a manager records it: opted in or out, and through what (a signed form, a call);
 * the time is the server's and the recorder is added to the source.
 */
export const ConsentInputSchema = z.strictObject({
  state: ConsentSchema.shape.state,
  source: z.string().min(1).max(60).optional(),
});
export type ConsentInput = z.infer<typeof ConsentInputSchema>;

/** A new farmer (POST /v1/coops/{id}/farmers, `shamba farmer add`): the cooperative is the path's. */
export const FarmerInputSchema = z.strictObject({
  ...FarmerSchema.omit({ coopId: true, consent: true }).shape,
  consent: ConsentInputSchema.optional(),
});
export type FarmerInput = z.infer<typeof FarmerInputSchema>;

/** A change to a farmer (PATCH): any of the fields but the id and the cooperative. */
export const FarmerPatchSchema = FarmerInputSchema.omit({ id: true })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export type FarmerPatch = z.infer<typeof FarmerPatchSchema>;
