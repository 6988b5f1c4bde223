import { Hono } from 'hono';
import { PRESCRIPTION_KINDS, PrescriptionKindSchema, ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { visibleFieldIn } from './visible-field.js';

/** A field's prescriptions: the newest of a kind, and the newest of each. */
export function fieldPrescriptionRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return new Hono<AppEnv>()
    .get('/:fieldId/prescriptions/latest', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      // Without `kind`, irrigation: what clients read before prescriptions had kinds.
      const kind = PrescriptionKindSchema.safeParse(c.req.query('kind') ?? 'irrigation');
      if (!kind.success)
        throw new ShambaError(
          'INVALID_REQUEST',
          `kind must be one of ${PRESCRIPTION_KINDS.join(', ')}`,
        );
      const prescription = await registry.prescriptions.latest(field.id, kind.data);
      if (prescription === undefined)
        throw new ShambaError('NOT_FOUND', `no ${kind.data} prescription for ${field.id} yet`);
      return c.json(prescription);
    })
    .get('/:fieldId/prescriptions', async (c) => {
      // The newest prescription of each kind the field has, by kind.
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      return c.json({ prescriptions: await registry.prescriptions.latestByKind(field.id) });
    });
}
