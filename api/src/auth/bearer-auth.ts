import { createMiddleware } from 'hono/factory';
import { ShambaError, type Principal } from '@shamba/schemas';
import { tokenDigest, type Registry } from '@shamba/storage';

export type AppEnv = { Variables: { principal: Principal } };

/** RFC 6750 bearer tokens, looked up by digest in the registry. */
export function bearerAuth(registry: Registry) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (match === null)
      throw new ShambaError('NOT_AUTHENTICATED', 'send Authorization: Bearer <token>');
    const principal = await registry.tokens.find(tokenDigest(match[1]!));
    if (principal === undefined)
      throw new ShambaError('NOT_AUTHENTICATED', 'unknown or revoked token');
    c.set('principal', principal);
    await next();
  });
}
