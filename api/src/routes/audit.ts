import { createRoute, z } from '@hono/zod-openapi';
import { ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';
import { cursorOf, keyOfCursor, NextSchema, pageQuery } from '../http/pagination.js';

const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    atMs: z.number().int(),
    coopId: z.string().nullable(),
    actor: z.string(),
    role: z.string(),
    action: z.enum(['read', 'create', 'change', 'delete']),
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
  })
  .meta({ id: 'AuditEntry', description: 'Who read or changed what, and when.' });

const listAudit = createRoute({
  method: 'get',
  path: '/coops/{coopId}/audit',
  tags: ['Audit'],
  summary: "The cooperative's audit log, newest first (managers, admins)",
  description:
    'Every authenticated API request that touched the cooperative: who (the token’s name and ' +
    'role), the method and path, the status and when. Refused requests are in the caller’s ' +
    'own cooperative’s log. Kept two years.',
  request: {
    params: z.object({ coopId: idParam('The cooperative.') }),
    query: pageQuery({ defaultLimit: 100, maxLimit: 1000 }),
  },
  responses: {
    200: {
      description: 'A page of the log.',
      content: json(z.object({ entries: z.array(AuditEntrySchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

/** `GET /v1/coops/{id}/audit`. */
export function auditRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  return openApiRoutes<AppEnv>().openapi(listAudit, async (c) => {
    const principal = c.get('principal');
    const coopId = await staffCoop(registry, principal, c.req.valid('param').coopId);
    requireRole(principal, ['admin', 'manager']);
    const { limit, cursor } = c.req.valid('query');
    const key = cursor === undefined ? undefined : keyOfCursor(cursor)[0];
    if (key !== undefined && (typeof key !== 'number' || !Number.isSafeInteger(key)))
      throw new ShambaError('INVALID_REQUEST', 'cursor: not a cursor this API gave');
    const beforeId = key;
    // One more than the page says whether there is a next one.
    const rows = await registry.audit.list({
      coopId,
      limit: limit + 1,
      ...(beforeId === undefined ? {} : { beforeId }),
    });
    const entries = rows.slice(0, limit);
    const last = entries.at(-1);
    const next = rows.length > limit && last !== undefined ? cursorOf([last.id]) : null;
    return c.json({ entries, next }, 200);
  });
}
