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
 * The client's address as @hono/node-server gives it (`c.env.incoming`, see server.ts);
 * undefined in process (`app.request()`), which then shares one bucket.
 */
function remoteAddress(env: unknown): string | undefined {
  const incoming = (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)
    ?.incoming;
  return incoming?.socket?.remoteAddress;
}

/**
 * RFC 6750 bearer tokens, looked up by digest in the registry. An address that has failed too
 * often is answered 429 with Retry-After before its token is even looked up, so it cannot keep
 * guessing at full speed.
 */
export function bearerAuth(registry: Registry, options: BearerAuthOptions = {}) {
  const clock = options.clock ?? Date.now;
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (match === null)
      throw new ShambaError('NOT_AUTHENTICATED', 'send Authorization: Bearer <token>');
    const client = clientKey(remoteAddress(c.env));
    const waitMs = options.failures?.retryAfterMs(client) ?? 0;
    if (waitMs > 0)
      throw new ShambaError('TOO_MANY_REQUESTS', 'too many failed authentications: wait', {
        details: { retryAfterS: Math.ceil(waitMs / 1000) },
      });
    // Expired and revoked tokens are refused like unknown ones (issue 13, case 13).
    const principal = await registry.tokens.find(tokenDigest(match[1]!), clock());
    if (principal === undefined) {
      options.failures?.fail(client);
      throw new ShambaError('NOT_AUTHENTICATED', 'unknown, expired or revoked token');
    }
    c.set('principal', principal);
    await next();
  });
}
