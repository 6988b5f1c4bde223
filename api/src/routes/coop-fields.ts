import { createRoute, z } from '@hono/zod-openapi';
import { FieldSchema, ShambaError, type Field } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { coopAccess } from '../auth/coop-access.js';
import { limitBody } from '../http/body.js';
import {
  COMMON_PROBLEMS,
  idParam,
  json,
  jsonBodyOf,
  openApiRoutes,
  problems,
} from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import type { PrescriptionRecompute } from '../prescription-recompute.js';
import {
  changedField,
  FieldInputSchema,
  FieldPatchSchema,
  newField,
  zonesOf,
  ZonesInputSchema,
} from '../provisioning/field-input.js';
import { oneAtATime } from '../provisioning/one-at-a-time.js';

/**
 * A field's body is mostly its boundary: 2 000 positions (boundary.ts, MAX_BOUNDARY_POSITIONS)
 * at full double precision are 76 KB as compact JSON and 156 KB pretty-printed with two-space
 * indents (measured); 192 KiB takes either, with room for the other properties.
 */
const FIELD_BODY_BYTES = 192 * 1024;
/**
 * Zones: 2 000 positions together (boundary.ts, MAX_ZONE_POSITIONS), as many as a field's
 * boundary, and each zone's few other properties: the same 192 KiB.
 */
const ZONES_BODY_BYTES = FIELD_BODY_BYTES;

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const FieldPath = CoopPath.extend({ fieldId: idParam('The field.') });
const OneField = z.object({ field: FieldSchema });
const ListQuery = pageQuery({ defaultLimit: 100, maxLimit: 500 });
const TAGS = ['Fields'];
const TENANCY =
  "Another cooperative's field answers 404, exactly like one that does not exist; field ids " +
  'are one namespace across cooperatives.';

const listFields = createRoute({
  method: 'get',
  path: '/coops/{coopId}/fields',
  tags: TAGS,
  summary: "The cooperative's fields (staff and technicians; a farmer: their own)",
  request: { params: CoopPath, query: ListQuery },
  responses: {
    200: {
      description: 'A page of fields, by id.',
      content: json(
        z.object({ coopId: z.string(), fields: z.array(FieldSchema), next: NextSchema }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const addField = createRoute({
  method: 'post',
  path: '/coops/{coopId}/fields',
  tags: TAGS,
  summary: 'Add a field (manager, agronomist, admin)',
  description:
    'The boundary is checked (closed rings, no crossings, holes inside, 100 m² to 10 000 ha) ' +
    'and `areaHa` is computed from it. The farmer must be one of the cooperative. A taken id ' +
    `answers 409. ${TENANCY}`,
  middleware: [limitBody(FIELD_BODY_BYTES)],
  request: { params: CoopPath, body: jsonBodyOf(FieldInputSchema) },
  responses: {
    201: {
      description: 'Added; `Location` names it (`GET /v1/fields/{fieldId}`).',
      headers: z.object({ location: z.string() }),
      content: json(OneField),
    },
    ...COMMON_PROBLEMS,
    ...problems(409),
  },
});

const changeField = createRoute({
  method: 'patch',
  path: '/coops/{coopId}/fields/{fieldId}',
  tags: TAGS,
  summary: 'Change a field (manager, agronomist, admin)',
  description: `A new boundary gives a new \`areaHa\`; the field's zones must lie inside it. ${TENANCY}`,
  middleware: [limitBody(FIELD_BODY_BYTES)],
  request: { params: FieldPath, body: jsonBodyOf(FieldPatchSchema) },
  responses: {
    200: { description: 'The changed field.', content: json(OneField) },
    ...COMMON_PROBLEMS,
  },
});

const putZones = createRoute({
  method: 'put',
  path: '/coops/{coopId}/fields/{fieldId}/zones',
  tags: TAGS,
  summary: "Replace a field's management zones (manager, agronomist, admin)",
  description:
    'Each zone lies inside the field and apart from the others (1% of its area tolerated, for ' +
    'edges that do not coincide exactly); areas are computed. An empty list makes the field one ' +
    'zone. Refused (409) while a device stands in a zone that would go. ' +
    TENANCY,
  middleware: [limitBody(ZONES_BODY_BYTES)],
  request: { params: FieldPath, body: jsonBodyOf(ZonesInputSchema) },
  responses: {
    200: { description: 'The field with its new zones.', content: json(OneField) },
    ...COMMON_PROBLEMS,
    ...problems(409),
  },
});

/** Who may add and change fields. */
const EDITORS = ['admin', 'manager', 'agronomist'] as const;
/** Who may list them: editors, technicians (who place devices on them) and farmers (their own). */
const READERS = [...EDITORS, 'technician', 'farmer'] as const;

/**
 * A cooperative's fields with their boundaries, crops, soils and zones: provisioned here, read
 * one at a time at `/v1/fields/{fieldId}`. A changed field's prescriptions are made again in the
 * next background pass.
 */
export function coopFieldRoutes(deps: {
  registry: Registry;
  prescriptions?: Pick<PrescriptionRecompute, 'markStale'> | undefined;
}) {
  const { registry } = deps;
  const memberCoop = coopAccess(registry);
  const ownField = async (coopId: string, fieldId: string) => {
    const field = await registry.fields.get(fieldId);
    if (field === undefined || field.coopId !== coopId)
      throw new ShambaError('NOT_FOUND', `no field ${fieldId} in cooperative ${coopId}`);
    return field;
  };
  const checkFarmer = async (coopId: string, farmerId: string) => {
    const farmer = await registry.farmers.get(farmerId);
    if (farmer === undefined || farmer.coopId !== coopId)
      throw new ShambaError('INVALID_REQUEST', `no farmer ${farmerId} in this cooperative`);
  };
  const store = async (field: Field, reason: string) => {
    await registry.fields.upsert(field);
    deps.prescriptions?.markStale(field.id, reason);
  };
  return openApiRoutes<AppEnv>()
    .openapi(listFields, async (c) => {
      const principal = c.get('principal');
      const coop = await memberCoop(principal, c.req.valid('param').coopId, READERS);
      const fields = await registry.fields.list(
        principal.role === 'farmer'
          ? { coopId: coop.id, farmerId: principal.farmerId ?? '\0none' }
          : { coopId: coop.id },
      );
      const page = pageOf(fields, (field) => [field.id], c.req.valid('query'));
      return c.json({ coopId: coop.id, fields: page.items, next: page.next }, 200);
    })
    .openapi(addField, async (c) => {
      const coop = await memberCoop(c.get('principal'), c.req.valid('param').coopId, EDITORS);
      const input = c.req.valid('json');
      const field = newField(coop.id, input);
      await checkFarmer(coop.id, field.farmerId);
      await oneAtATime(async () => {
        if ((await registry.fields.get(field.id)) !== undefined)
          throw new ShambaError('CONFLICT', `the field id ${field.id} is taken: choose another`);
        await store(field, 'field added');
      });
      c.header('location', `/v1/fields/${field.id}`);
      return c.json({ field }, 201);
    })
    .openapi(changeField, async (c) => {
      const { coopId, fieldId } = c.req.valid('param');
      const coop = await memberCoop(c.get('principal'), coopId, EDITORS);
      const patch = c.req.valid('json');
      if (patch.farmerId !== undefined) await checkFarmer(coop.id, patch.farmerId);
      const changed = await oneAtATime(async () => {
        const next = changedField(await ownField(coop.id, fieldId), patch);
        await store(next, 'field changed');
        return next;
      });
      return c.json({ field: changed }, 200);
    })
    .openapi(putZones, async (c) => {
      const { coopId, fieldId } = c.req.valid('param');
      const coop = await memberCoop(c.get('principal'), coopId, EDITORS);
      const { zones: input } = c.req.valid('json');
      const changed = await oneAtATime(async () => {
        const field = await ownField(coop.id, fieldId);
        const zones = zonesOf(field, input);
        const kept = new Set(zones.map((zone) => zone.id));
        const stranded = (await registry.devices.list({ fieldId: field.id })).filter(
          (device) => device.zoneId !== null && !kept.has(device.zoneId),
        );
        if (stranded.length > 0)
          throw new ShambaError(
            'CONFLICT',
            `devices ${stranded.map((d) => d.id).join(', ')} stand in zones that would go: move them first`,
          );
        const { zones: _old, ...rest } = field;
        const next: Field = zones.length === 0 ? rest : { ...rest, zones };
        await store(next, 'zones replaced');
        return next;
      });
      return c.json({ field: changed }, 200);
    });
}
