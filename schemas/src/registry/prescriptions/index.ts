import { z } from 'zod';
import type { PrescriptionKind } from './common.js';
import { IrrigationPrescriptionSchema } from './irrigation.js';
import { NitrogenPrescriptionSchema } from './nitrogen.js';

export * from './common.js';
export * from './irrigation.js';
export * from './nitrogen.js';

export const PrescriptionSchema = z
  .discriminatedUnion('kind', [IrrigationPrescriptionSchema, NitrogenPrescriptionSchema])
  .meta({ id: 'Prescription', description: 'A prescription of either kind, by `kind`.' });
export type Prescription = z.infer<typeof PrescriptionSchema>;
export type PrescriptionOf<K extends PrescriptionKind> = Extract<Prescription, { kind: K }>;
