import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AuditAction, Registry } from '@shamba/storage';
import type { Principal } from '@shamba/schemas';

const ACTIONS: Record<string, AuditAction> = {
  GET: 'read',
  HEAD: 'read',
  POST: 'create',
  PUT: 'change',
  PATCH: 'change',
  DELETE: 'delete',
};

/**
 * The longest path written: routes' paths with their ids are under 200 characters; the cut
 * bounds what one line may hold.
 */
const MAX_PATH_CHARS = 512;

/** A state change named by its path's last segment, though it is a POST (`.../promote`). */
const CHANGE_VERBS = /\/(promote|disable|enable|secret|train|delineate|revoke)$/;

/**
 * Whose data a request touched. A refused request (4xx/5xx) is written to the caller's own
 * cooperative's log, never to the one it named: a path can name anything, and another
 * cooperative must not learn from its log that a name exists or fill it with lines.
 */
async function coopOf(
  registry: Registry,
  request: { path: string; status: number },
  own: string | null,
): Promise<string | null> {
  const { path, status } = request;
  if (status >= 400) return own;
  const coop = /^(?:\/v1)?\/coops\/([^/]+)/.exec(path)?.[1];
  if (coop !== undefined) return decodeURIComponent(coop);
  const fieldId = /^(?:\/v1)?\/fields\/([^/]+)/.exec(path)?.[1];
  if (fieldId !== undefined)
    return (await registry.fields.get(decodeURIComponent(fieldId)))?.coopId ?? own;
  return own;
}

/**
 * The audit log: every authenticated API request and dashboard page, after it is answered, as who (the token's name
 * and role), what (method, path without its query), the outcome (status) and when, in the log of
 * the cooperative whose data it was (`GET /v1/coops/{id}/audit`). A failure to write the line is
 * logged, never answered: the request already happened.
 */
export function auditTrail(deps: {
  registry: Registry;
  clock: () => number;
  logger?: Logger | undefined;
}): MiddlewareHandler<{ Variables: { principal: Principal } }> {
  return async (c, next) => {
    await next();
    const principal = c.get('principal') as Principal | undefined;
    if (principal === undefined) return; // refused before authentication: no one to name
    // A path no route answers touched nothing (and would let anyone fill the log with junk).
    if ((c as unknown as { get(key: 'unmatched'): unknown }).get('unmatched') === true) return;
    const path = c.req.path.slice(0, MAX_PATH_CHARS);
    const status = c.res.status;
    try {
      const action =
        c.req.method === 'POST' && CHANGE_VERBS.test(path)
          ? 'change'
          : (ACTIONS[c.req.method] ?? 'read');
      await deps.registry.audit.add({
        atMs: deps.clock(),
        coopId: await coopOf(deps.registry, { path, status }, principal.coopId),
        actor: principal.name,
        role: principal.role,
        action,
        method: c.req.method,
        path,
        status,
      });
    } catch (error) {
      deps.logger?.error({ err: error, path }, 'audit line not written');
    }
  };
}
