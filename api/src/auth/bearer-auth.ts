import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ShambaError, type Principal } from '@shamba/schemas';
import { tokenDigest, type Registry } from '@shamba/storage';
import { clientKey, type AuthFailureLimit } from './auth-failure-limit.js';

export type AppEnv = { Variables: { principal: Principal } };

export interface BearerAuthOptions {
  /** Failed authentications per client address; none: unlimited. */
  failures?: AuthFailureLimit;
  clock?: () => number;
}

/**
 * The client's socket address, from @hono/node-server's bindings; undefined in process
 * (`app.request()` has no socket), where all requests share one bucket.
 */
function remoteAddress(c: Context): string | undefined {
  return c.env === undefined ? undefined : getConnInfo(c).remote.address;
}

/**
 * RFC 6750 bearer tokens, looked up by digest in the registry. A valid token always gets
 * through: an address over its failure limit (RFC 6585 §4) is answered 429 with Retry-After
 * only for an unknown, expired or revoked token, so a stranger guessing from behind the same
 * NAT or proxy cannot lock out the people who share it. The lookup is one digest and one
 * indexed read either way, so answering a limited address costs no less by skipping it.
 */
export function bearerAuth(registry: Registry, options: BearerAuthOptions = {}) {
  const clock = options.clock ?? Date.now;
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (match === null)
      throw new ShambaError('NOT_AUTHENTICATED', 'send Authorization: Bearer <token>');
    // Expired and revoked tokens are refused like unknown ones (issue 13, case 13).
    const principal = await registry.tokens.find(tokenDigest(match[1]!), clock());
    if (principal === undefined) {
      const { failures } = options;
      const client = clientKey(remoteAddress(c));
      const waitMs = failures?.retryAfterMs(client) ?? 0;
      if (waitMs > 0)
        throw new ShambaError('TOO_MANY_REQUESTS', 'too many failed authentications: wait', {
          details: { retryAfterS: Math.ceil(waitMs / 1000) },
        });
      failures?.fail(client);
      throw new ShambaError('NOT_AUTHENTICATED', 'unknown, expired or revoked token');
    }
    c.set('principal', principal);
    await next();
  });
}
