import { Hono } from 'hono';
import { ParameterSetInputSchema, ShambaError } from '@shamba/schemas';
import { CROP_PARAMETERS } from '@shamba/agronomy';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * A cooperative's crop parameter sets: everyone on its staff reads them; agronomists (and
 * admins) publish a new version, which the next prescription pass uses and records.
 */
export function parameterSetRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  return new Hono<AppEnv>()
    .get('/coops/:coopId/parameter-sets', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      return c.json({ parameterSets: await registry.parameterSets.list(coopId) });
    })
    .post('/coops/:coopId/parameter-sets', limitBody(MAX_BODY_BYTES), async (c) => {
      const principal = c.get('principal');
      const coopId = await staffCoop(registry, principal, c.req.param('coopId'));
      requireRole(principal, ['admin', 'agronomist']);
      const input = await parseJsonBody(c, ParameterSetInputSchema);
      const unknown = Object.keys(input.crops).filter((crop) => !(crop in CROP_PARAMETERS));
      if (unknown.length > 0)
        throw new ShambaError(
          'INVALID_REQUEST',
          `unknown crop ${unknown.join(', ')}; known: ${Object.keys(CROP_PARAMETERS).join(', ')}`,
        );
      const set = await registry.parameterSets.add(coopId, input, {
        author: principal.name,
        atMs: Date.now(),
      });
      return c.json(set, 201);
    });
}
