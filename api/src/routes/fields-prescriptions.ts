import { createRoute, z } from '@hono/zod-openapi';
import {
  IrrigationActionSchema,
  IrrigationPrescriptionSchema,
  NitrogenActionSchema,
  NitrogenPrescriptionSchema,
  PRESCRIPTION_KINDS,
  PrescriptionKindSchema,
  PrescriptionRevisionSchema,
  PrescriptionSchema,
  ProvenanceSchema,
  ShambaError,
  type Prescription,
} from '@shamba/schemas';
import { MAX_PRESCRIPTION_PAGE, type Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { jsonWithETag } from '../http/etag.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';
import { NextSchema, cursorOf, keyOfCursor, pageQuery } from '../http/pagination.js';
import { visibleFieldIn } from './visible-field.js';

/** A page of versions when the caller names no `limit`: a week or so of a field's changes. */
export const DEFAULT_PRESCRIPTION_VERSIONS = 20;

const kindError = () =>
  new ShambaError('INVALID_REQUEST', `kind must be one of ${PRESCRIPTION_KINDS.join(', ')}`);

/** Kept a string so that a wrong kind is refused in the words clients already see. */
const KindQuery = z
  .string()
  .max(32)
  .optional()
  .meta({ description: `One of ${PRESCRIPTION_KINDS.join(', ')}.` });

const HistoryQuery = z.object({
  kind: KindQuery,
  ...pageQuery({ defaultLimit: DEFAULT_PRESCRIPTION_VERSIONS, maxLimit: MAX_PRESCRIPTION_PAGE })
    .shape,
});

/** The kind a query names (undefined when it names none), or INVALID_REQUEST. */
function kindOf(value: string | undefined) {
  if (value === undefined) return undefined;
  const kind = PrescriptionKindSchema.safeParse(value);
  if (!kind.success) throw kindError();
  return kind.data;
}

/** One version as the history lists it (the whole of it is at `/prescriptions/{id}`). */
const VersionSchema = z.object({
  id: z.string(),
  kind: PrescriptionKindSchema,
  createdAtMs: z.number().int(),
  asOfMs: z.number().int(),
  action: z.union([IrrigationActionSchema, NitrogenActionSchema]),
  summary: z.string(),
  grossDepthMm: z.number().optional().meta({ description: 'Irrigation only.' }),
  volumeM3: z.number().optional().meta({ description: 'Irrigation only.' }),
  nKgHa: z.number().optional().meta({ description: 'Nitrogen only.' }),
  provenance: ProvenanceSchema,
  revision: PrescriptionRevisionSchema.nullable(),
});

/**
 * One version as the history lists it: what it advised (action, summary, the main amounts),
 * from what (provenance, readings' time), and its revision (why it was made, what changed). The
 * whole document, with inputs and steps, is at `/prescriptions/{id}`.
 */
function versionOf(p: Prescription): z.infer<typeof VersionSchema> {
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

const FieldPath = z.object({ fieldId: idParam('The field.') });
const TAGS = ['Prescriptions'];
const ETAG_NOTE =
  'With `ETag`: send it back as `If-None-Match` and an unchanged prescription answers 304, so ' +
  'a client polling for new advice costs no body.';
const NOT_MODIFIED = {
  304: { description: 'The prescription the client holds (its `If-None-Match`) is current.' },
};
const WITH_ETAG = { etag: z.string() };

const latestPrescription = createRoute({
  method: 'get',
  path: '/{fieldId}/prescriptions/latest',
  tags: TAGS,
  summary: "The field's newest prescription of a kind (its farmer and its cooperative's staff)",
  description: `Without \`kind\`, irrigation. ${ETAG_NOTE}`,
  request: { params: FieldPath, query: z.object({ kind: KindQuery }) },
  responses: {
    200: {
      description: 'The prescription, with its provenance, inputs, parameters and steps.',
      headers: z.object(WITH_ETAG),
      content: json(PrescriptionSchema),
    },
    ...NOT_MODIFIED,
    ...COMMON_PROBLEMS,
  },
});

const onePrescription = createRoute({
  method: 'get',
  path: '/{fieldId}/prescriptions/{prescriptionId}',
  tags: TAGS,
  summary: 'One version of a prescription of the field',
  description: `Another field's version answers 404, whoever may see it. ${ETAG_NOTE}`,
  request: {
    params: FieldPath.extend({ prescriptionId: idParam('The version (its `id`).') }),
  },
  responses: {
    200: {
      description: 'The version, whole.',
      headers: z.object(WITH_ETAG),
      content: json(PrescriptionSchema),
    },
    ...NOT_MODIFIED,
    ...COMMON_PROBLEMS,
  },
});

const prescriptionHistory = createRoute({
  method: 'get',
  path: '/{fieldId}/prescriptions',
  tags: TAGS,
  summary: "The field's newest prescription of each kind, and its versions newest first",
  description:
    'Each recompute is a new version; its `revision` says which it follows, why it was made ' +
    'and what changed. Pass `next` as `cursor` (with the same `kind`) for older versions.',
  request: { params: FieldPath, query: HistoryQuery },
  responses: {
    200: {
      description: 'The newest of each kind, whole, and a page of versions.',
      content: json(
        z.object({
          latest: z.object({
            irrigation: IrrigationPrescriptionSchema.optional(),
            nitrogen: NitrogenPrescriptionSchema.optional(),
          }),
          history: z.array(VersionSchema),
          next: NextSchema,
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

/** A field's prescriptions: the newest of a kind, the newest of each with the versions, one version. */
export function fieldPrescriptionRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return openApiRoutes<AppEnv>()
    .openapi(latestPrescription, async (c) => {
      const field = await visibleField(c.get('principal'), c.req.valid('param').fieldId);
      // Without `kind`, irrigation: what clients read before prescriptions had kinds.
      const kind = kindOf(c.req.valid('query').kind) ?? 'irrigation';
      const prescription = await registry.prescriptions.latest(field.id, kind);
      if (prescription === undefined)
        throw new ShambaError('NOT_FOUND', `no ${kind} prescription for ${field.id} yet`);
      return jsonWithETag(c, prescription satisfies Prescription);
    })
    .openapi(onePrescription, async (c) => {
      const { fieldId, prescriptionId: id } = c.req.valid('param');
      const field = await visibleField(c.get('principal'), fieldId);
      const prescription = await registry.prescriptions.get(id);
      // Another field's version is not this field's, whoever may see it.
      if (prescription?.fieldId !== field.id)
        throw new ShambaError('NOT_FOUND', `no prescription ${id} for ${field.id}`);
      return jsonWithETag(c, prescription satisfies Prescription);
    })
    .openapi(prescriptionHistory, async (c) => {
      const field = await visibleField(c.get('principal'), c.req.valid('param').fieldId);
      const query = c.req.valid('query');
      const kind = kindOf(query.kind);
      const before = query.cursor === undefined ? undefined : versionOfCursor(query.cursor);
      if (before !== undefined && (await registry.prescriptions.get(before))?.fieldId !== field.id)
        throw new ShambaError(
          'INVALID_REQUEST',
          `cursor: no prescription ${before} for ${field.id}`,
        );
      const filter = kind === undefined ? {} : { kind };
      const versions = await registry.prescriptions.history(field.id, {
        ...filter,
        limit: query.limit,
        ...(before === undefined ? {} : { before }),
      });
      // A full page has a next one only if an older version exists (the registry caps a page
      // at the largest `limit`, so one more is asked for on its own).
      const last = versions.at(-1);
      const more =
        versions.length === query.limit &&
        last !== undefined &&
        (await registry.prescriptions.history(field.id, { ...filter, limit: 1, before: last.id }))
          .length > 0;
      return c.json(
        {
          // The newest of each kind the field has, whole, whatever the page.
          latest: await registry.prescriptions.latestByKind(field.id),
          // Newest first, each with why it was made and what it changed.
          history: versions.map(versionOf),
          next: more && last !== undefined ? cursorOf([last.id]) : null,
        },
        200,
      );
    });
}

/** The version a history cursor names (the last of the previous page). */
function versionOfCursor(cursor: string): string {
  const key = keyOfCursor(cursor);
  const [id] = key;
  if (key.length === 1 && typeof id === 'string') return id;
  throw new ShambaError('INVALID_REQUEST', 'cursor: not a cursor this API gave');
}
