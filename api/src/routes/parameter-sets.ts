import { createRoute, z } from '@hono/zod-openapi';
import {
  ParameterSetInputSchema,
  ParameterSetSchema,
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
import { limitBody } from '../http/body.js';
import { COMMON_PROBLEMS, idParam, json, jsonBodyOf, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';

/** A set overrides a few values per crop of a dozen crops: 64 KiB is many times that. */
const MAX_BODY_BYTES = 64 * 1024;

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const TAGS = ['Parameter sets'];

const listSets = createRoute({
  method: 'get',
  path: '/coops/{coopId}/parameter-sets',
  tags: TAGS,
  summary: "The cooperative's crop parameter sets, newest version first (staff)",
  request: { params: CoopPath, query: pageQuery({ defaultLimit: 50, maxLimit: 200 }) },
  responses: {
    200: {
      description: 'A page of versions, newest first.',
      content: json(z.object({ parameterSets: z.array(ParameterSetSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const publishSet = createRoute({
  method: 'post',
  path: '/coops/{coopId}/parameter-sets',
  tags: TAGS,
  summary: 'Publish the next parameter set version (agronomist)',
  description:
    'Values override the built-in crop table; a crop it does not know is refused. The next ' +
    'prescription pass uses the new version and names it in its provenance.',
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: CoopPath, body: jsonBodyOf(ParameterSetInputSchema) },
  responses: {
    201: { description: 'The published version.', content: json(ParameterSetSchema) },
    ...COMMON_PROBLEMS,
  },
});

/**
 * A cooperative's crop parameter sets: everyone on its staff reads them; agronomists (and
 * admins) publish a new version, which the next prescription pass uses and records.
 */
export function parameterSetRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  return openApiRoutes<AppEnv>()
    .openapi(listSets, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      // Newest first: the version, negated, is the sort key.
      const page = pageOf(
        await registry.parameterSets.list(coopId),
        (s) => [-s.version],
        c.req.valid('query'),
      );
      return c.json({ parameterSets: page.items, next: page.next }, 200);
    })
    .openapi(publishSet, async (c) => {
      const principal = c.get('principal');
      const coopId = await staffCoop(registry, principal, c.req.valid('param').coopId);
      requireRole(principal, PUBLISHERS);
      const set = await publishParameterSet(registry, {
        principal,
        coopId,
        input: c.req.valid('json'),
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
