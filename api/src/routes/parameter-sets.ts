import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ParameterSetInputSchema, ShambaError, type Principal } from '@shamba/schemas';
import { CROP_PARAMETERS } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * A cooperative's crop parameter sets: everyone on its staff reads them; agronomists (and
 * admins) publish a new version, which the next prescription pass uses and records.
 */
export function parameterSetRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const coopOf = async (principal: Principal, coopId: string) => {
    requireRole(principal, ['admin', 'manager', 'agronomist']);
    if (
      (principal.role !== 'admin' && principal.coopId !== coopId) ||
      (await registry.coops.get(coopId)) === undefined
    )
      throw new ShambaError('NOT_FOUND', `no cooperative ${coopId}`);
    return coopId;
  };
  return new Hono<AppEnv>()
    .get('/coops/:coopId/parameter-sets', async (c) => {
      const coopId = await coopOf(c.get('principal'), c.req.param('coopId'));
      return c.json({ parameterSets: await registry.parameterSets.list(coopId) });
    })
    .post(
      '/coops/:coopId/parameter-sets',
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new ShambaError('INVALID_REQUEST', `body larger than ${MAX_BODY_BYTES} bytes`);
        },
      }),
      async (c) => {
        const principal = c.get('principal');
        const coopId = await coopOf(principal, c.req.param('coopId'));
        requireRole(principal, ['admin', 'agronomist']);
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw new ShambaError('INVALID_REQUEST', 'the body is not JSON');
        }
        const parsed = ParameterSetInputSchema.safeParse(body);
        if (!parsed.success)
          throw new ShambaError('INVALID_REQUEST', z.prettifyError(parsed.error));
        const unknown = Object.keys(parsed.data.crops).filter((c) => !(c in CROP_PARAMETERS));
        if (unknown.length > 0)
          throw new ShambaError(
            'INVALID_REQUEST',
            `unknown crop ${unknown.join(', ')}; known: ${Object.keys(CROP_PARAMETERS).join(', ')}`,
          );
        const set = await registry.parameterSets.add(
          coopId,
          parsed.data,
          principal.name,
          Date.now(),
        );
        return c.json(set, 201);
      },
    );
}
