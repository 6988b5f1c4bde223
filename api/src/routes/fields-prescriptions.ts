import { Hono } from 'hono';
import { z } from 'zod';
import {
  PRESCRIPTION_KINDS,
  PrescriptionKindSchema,
  ShambaError,
  type Prescription,
} from '@shamba/schemas';
import { MAX_PRESCRIPTION_PAGE, type Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { visibleFieldIn } from './visible-field.js';

/** A page of versions when the caller names no `limit`: a week or so of a field's changes. */
export const DEFAULT_PRESCRIPTION_VERSIONS = 20;

const kindError = () =>
  new ShambaError('INVALID_REQUEST', `kind must be one of ${PRESCRIPTION_KINDS.join(', ')}`);

const HistoryQuery = z.object({
  kind: z.string().optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PRESCRIPTION_PAGE)
    .default(DEFAULT_PRESCRIPTION_VERSIONS),
  /** The `next` of the previous page: versions older than it. */
  before: z.string().min(1).max(256).optional(),
});

/**
 * One version as the history lists it: what it advised (action, summary, the main amounts),
 * from what (provenance, readings' time), and its revision (why it was made, what changed). The
 * whole document, with inputs and steps, is at `/prescriptions/{id}`.
 */
function versionOf(p: Prescription) {
  const amounts =
    p.kind === 'irrigation'
      ? { grossDepthMm: p.grossDepthMm, volumeM3: p.volumeM3 }
      : { nKgHa: p.nKgHa };
  return {
    id: p.id,
    kind: p.kind,
    createdAtMs: p.createdAtMs,
    asOfMs: p.asOfMs,
    action: p.action,
    summary: p.summary,
    ...amounts,
    provenance: p.provenance,
    revision: p.revision ?? null,
  };
}

/** A field's prescriptions: the newest of a kind, the newest of each with the versions, one version. */
export function fieldPrescriptionRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return new Hono<AppEnv>()
    .get('/:fieldId/prescriptions/latest', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      // Without `kind`, irrigation: what clients read before prescriptions had kinds.
      const kind = PrescriptionKindSchema.safeParse(c.req.query('kind') ?? 'irrigation');
      if (!kind.success) throw kindError();
      const prescription = await registry.prescriptions.latest(field.id, kind.data);
      if (prescription === undefined)
        throw new ShambaError('NOT_FOUND', `no ${kind.data} prescription for ${field.id} yet`);
      return c.json(prescription);
    })
    .get('/:fieldId/prescriptions/:prescriptionId', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      const id = c.req.param('prescriptionId');
      const prescription = await registry.prescriptions.get(id);
      // Another field's version is not this field's, whoever may see it.
      if (prescription?.fieldId !== field.id)
        throw new ShambaError('NOT_FOUND', `no prescription ${id} for ${field.id}`);
      return c.json(prescription);
    })
    .get('/:fieldId/prescriptions', async (c) => {
      const field = await visibleField(c.get('principal'), c.req.param('fieldId'));
      const query = HistoryQuery.safeParse(c.req.query());
      if (!query.success) throw new ShambaError('INVALID_REQUEST', z.prettifyError(query.error));
      const { limit, before } = query.data;
      const kind =
        query.data.kind === undefined
          ? undefined
          : PrescriptionKindSchema.safeParse(query.data.kind);
      if (kind?.success === false) throw kindError();
      if (before !== undefined && (await registry.prescriptions.get(before))?.fieldId !== field.id)
        throw new ShambaError(
          'INVALID_REQUEST',
          `before: no prescription ${before} for ${field.id}`,
        );
      const versions = await registry.prescriptions.history(field.id, {
        limit,
        ...(kind?.data === undefined ? {} : { kind: kind.data }),
        ...(before === undefined ? {} : { before }),
      });
      return c.json({
        // The newest of each kind the field has, whole, whatever the page.
        latest: await registry.prescriptions.latestByKind(field.id),
        // Newest first, each with why it was made and what it changed.
        history: versions.map(versionOf),
        // Pass as `before` for the next page; null when this page is the last.
        next: versions.length === limit ? versions.at(-1)!.id : null,
      });
    });
}
