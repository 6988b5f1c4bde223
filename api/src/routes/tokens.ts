import { createRoute, z } from '@hono/zod-openapi';
import { DAY_MS, IdSchema, RoleSchema, ShambaError, type Principal } from '@shamba/schemas';
import {
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
  newToken,
  type Registry,
  type TokenRecord,
} from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { coopAccess } from '../auth/coop-access.js';
import { requireRole } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { COMMON_PROBLEMS, idParam, json, jsonBodyOf, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';

/** A token request is a role, two ids, a label and a date: 2 KiB is ample. */
const MAX_BODY_BYTES = 2048;

const TokenInputSchema = z.object({
  role: RoleSchema,
  /** Null (or absent) only for an admin. */
  coopId: IdSchema.nullable().default(null),
  /** Required for a farmer: a farmer of that cooperative. */
  farmerId: IdSchema.nullable().default(null),
  /** Who holds it, as logged and stamped on what they record (default: the role). */
  name: z.string().min(1).max(100).optional(),
  label: z.string().min(1).max(100).optional(),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({
      description:
        `When it stops working: in the future, at most ${MAX_TOKEN_DAYS} days away ` +
        `(default ${DEFAULT_TOKEN_DAYS} days).`,
    }),
});

const TokenViewSchema = z.object({
  id: z.string().meta({ description: 'A public handle (16 hex digits of its digest).' }),
  role: RoleSchema,
  coopId: z.string().nullable(),
  farmerId: z.string().nullable(),
  name: z.string(),
  label: z.string().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** A token as listed: everything but a secret, which the registry never had. */
const viewOf = (token: TokenRecord) => ({
  id: token.id,
  role: token.principal.role,
  coopId: token.principal.coopId,
  farmerId: token.principal.farmerId,
  name: token.principal.name,
  label: token.label,
  createdAt: new Date(token.createdMs).toISOString(),
  expiresAt: iso(token.expiresMs),
  revokedAt: iso(token.revokedMs),
});

const TokenPath = z.object({ tokenId: idParam('The token (its id, not its value).') });
const ListQuery = pageQuery({ defaultLimit: 100, maxLimit: 500 }).extend({
  coopId: IdSchema.optional().meta({ description: "Admin: only this cooperative's tokens." }),
});
const TAGS = ['Tokens'];
const TENANCY = "Another cooperative's token answers 404, exactly like one that does not exist.";

const addToken = createRoute({
  method: 'post',
  path: '/tokens',
  tags: TAGS,
  summary: 'Issue a bearer token (admin; a manager for their own cooperative, never `admin`)',
  description:
    'The token is answered once (`Cache-Control: no-store`) and kept only as its SHA-256. ' +
    `It expires: at most ${MAX_TOKEN_DAYS} days away, so a forgotten token does not outlive a ` +
    `year of staff changes (default ${DEFAULT_TOKEN_DAYS} days, about one growing season).`,
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { body: jsonBodyOf(TokenInputSchema) },
  responses: {
    201: {
      description: 'Issued; `Location` names it (for revoking).',
      headers: z.object({ location: z.string(), 'cache-control': z.literal('no-store') }),
      content: json(z.object({ token: z.string(), record: TokenViewSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const listTokens = createRoute({
  method: 'get',
  path: '/tokens',
  tags: TAGS,
  summary: "Tokens, newest first (admin: all; a manager: their cooperative's), never the secret",
  request: { query: ListQuery },
  responses: {
    200: {
      description: 'A page of tokens, revoked and expired ones included.',
      content: json(z.object({ tokens: z.array(TokenViewSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const getToken = createRoute({
  method: 'get',
  path: '/tokens/{tokenId}',
  tags: TAGS,
  summary: "One token (admin; a manager: their cooperative's), never the secret",
  description: TENANCY,
  request: { params: TokenPath },
  responses: {
    200: { description: 'The token.', content: json(z.object({ token: TokenViewSchema })) },
    ...COMMON_PROBLEMS,
  },
});

const revokeToken = createRoute({
  method: 'delete',
  path: '/tokens/{tokenId}',
  tags: TAGS,
  summary: "Revoke a token at once (admin; a manager: their cooperative's)",
  description: TENANCY,
  request: { params: TokenPath },
  responses: { 204: { description: 'Revoked (again, if it was).' }, ...COMMON_PROBLEMS },
});

const ISSUERS = ['admin', 'manager'] as const;

/**
 * API tokens over HTTP, as `shamba token` does on the box (storage's newToken: 256 random bits,
 * kept as a SHA-256). A manager issues, lists and revokes their own cooperative's tokens only,
 * and never an admin's.
 */
export function tokenRoutes(deps: { registry: Registry; clock: () => number }) {
  const { registry } = deps;
  const memberCoop = coopAccess(registry);
  /** The tokens the principal may see (a manager: their cooperative's; an admin: all). */
  const visible = async (principal: Principal, coopId?: string) => {
    requireRole(principal, ISSUERS);
    const own = principal.role === 'admin' ? coopId : (principal.coopId ?? '\0none');
    return registry.tokens.list(own === undefined ? {} : { coopId: own });
  };
  const visibleToken = async (principal: Principal, tokenId: string) => {
    const token = (await visible(principal)).find((t) => t.id === tokenId);
    if (token === undefined) throw new ShambaError('NOT_FOUND', `no token ${tokenId}`);
    return token;
  };
  return openApiRoutes<AppEnv>()
    .openapi(addToken, async (c) => {
      const principal = c.get('principal');
      requireRole(principal, ISSUERS);
      const input = c.req.valid('json');
      if (input.role === 'admin') {
        requireRole(principal, ['admin']);
        if (input.coopId !== null || input.farmerId !== null)
          throw new ShambaError('INVALID_REQUEST', 'an admin token has no coopId and no farmerId');
      } else {
        if (input.coopId === null)
          throw new ShambaError('INVALID_REQUEST', `coopId is required for the role ${input.role}`);
        // A manager's own cooperative only; another answers 404 like a missing one.
        await memberCoop(principal, input.coopId, ISSUERS);
      }
      if (input.role === 'farmer') {
        const farmer =
          input.farmerId === null ? undefined : await registry.farmers.get(input.farmerId);
        if (farmer === undefined || farmer.coopId !== input.coopId)
          throw new ShambaError(
            'INVALID_REQUEST',
            'farmerId: a farmer of that cooperative is required',
          );
      } else if (input.farmerId !== null) {
        throw new ShambaError('INVALID_REQUEST', 'farmerId is for a farmer token only');
      }
      const nowMs = deps.clock();
      const expiresMs =
        input.expiresAt === undefined
          ? nowMs + DEFAULT_TOKEN_DAYS * DAY_MS
          : Date.parse(input.expiresAt);
      if (expiresMs <= nowMs || expiresMs > nowMs + MAX_TOKEN_DAYS * DAY_MS)
        throw new ShambaError(
          'INVALID_REQUEST',
          `expiresAt must be in the future and at most ${MAX_TOKEN_DAYS} days away`,
        );
      const { token, digest } = newToken();
      const record = await registry.tokens.add(
        digest,
        {
          role: input.role,
          coopId: input.coopId,
          farmerId: input.farmerId,
          name: input.name ?? input.role,
        },
        {
          createdMs: nowMs,
          expiresMs,
          ...(input.label === undefined ? {} : { label: input.label }),
        },
      );
      c.header('cache-control', 'no-store');
      c.header('location', `/v1/tokens/${record.id}`);
      return c.json({ token, record: viewOf(record) }, 201);
    })
    .openapi(listTokens, async (c) => {
      const { coopId, ...query } = c.req.valid('query');
      const tokens = await visible(c.get('principal'), coopId);
      const page = pageOf(tokens, (t) => [-t.createdMs, t.id], query);
      return c.json({ tokens: page.items.map(viewOf), next: page.next }, 200);
    })
    .openapi(getToken, async (c) => {
      const token = await visibleToken(c.get('principal'), c.req.valid('param').tokenId);
      return c.json({ token: viewOf(token) }, 200);
    })
    .openapi(revokeToken, async (c) => {
      const token = await visibleToken(c.get('principal'), c.req.valid('param').tokenId);
      if (token.revokedMs === null) await registry.tokens.revoke(token.id, deps.clock());
      return c.body(null, 204);
    });
}
