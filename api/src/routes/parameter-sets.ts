import { Hono } from 'hono';
import {
  ParameterSetInputSchema,
  ShambaError,
  type ParameterSet,
  type ParameterSetInput,
  type Principal,
  type Role,
} from '@shamba/schemas';
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
      requireRole(principal, PUBLISHERS);
      const input = await parseJsonBody(c, ParameterSetInputSchema);
      const set = await publishParameterSet(registry, {
        principal,
        coopId,
        input,
        atMs: Date.now(),
      });
      return c.json(set, 201);
    });
}

/** Who may publish a parameter set; the rest of the cooperative's staff read them. */
export const PUBLISHERS: readonly Role[] = ['admin', 'agronomist'];

/**
 * Publishes the cooperative's next parameter set version as `principal` (the API's POST and the
 * dashboard's form alike): publishers only, crops the crop table knows only. The next
 * prescription pass sees the new version in its provenance and makes every field again.
 */
export async function publishParameterSet(
  registry: Registry,
  publish: { principal: Principal; coopId: string; input: ParameterSetInput; atMs: number },
): Promise<ParameterSet> {
  const { principal, coopId, input } = publish;
  requireRole(principal, PUBLISHERS);
  const unknown = Object.keys(input.crops).filter((crop) => !(crop in CROP_PARAMETERS));
  if (unknown.length > 0)
    throw new ShambaError(
      'INVALID_REQUEST',
      `unknown crop ${unknown.join(', ')}; known: ${Object.keys(CROP_PARAMETERS).join(', ')}`,
    );
  return registry.parameterSets.add(coopId, input, { author: principal.name, atMs: publish.atMs });
}
