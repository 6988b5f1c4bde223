/**
 * The prescription service as the API uses it: a change to a field's inputs made through the API
 * or the dashboard (zones applied, fertiliser recorded) makes its prescriptions again.
 */
export interface PrescriptionRecompute {
  /** Makes a field's prescriptions again now, saying why (PrescriptionService.recompute). */
  recompute(fieldId: string, reason: string): Promise<unknown>;
  /** Marks the field to be made again in a background pass, and returns at once. */
  markStale(fieldId: string, reason: string): void;
}
