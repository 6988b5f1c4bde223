import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ShambaError, type Principal } from '@shamba/schemas';
import { tokenDigest, type Registry } from '@shamba/storage';
import { clientKey, type AuthFailureLimit } from './auth-failure-limit.js';
import { isSafeMethod, SESSION_COOKIE, sessionOf } from './session-cookie.js';
import { csrfMatches } from './csrf.js';
import type { SessionStore } from './sessions.js';

/** Who signed the request in, and how to ask again (see `Credential`). */
export type AppEnv = { Variables: { principal: Principal; credential: Credential } };

/**
 * The credential a request came with. A response that lasts (a live event stream) asks
 * `stillValid` again as it goes, so a revoked token or an ended session stops it; `key` names
 * the person's token (a session's too), for limits per person.
 */
export interface Credential {
  key: string;
  stillValid(): Promise<boolean>;
}

export interface BearerAuthOptions {
  /** Failed authentications per client address; none: unlimited. */
  failures?: AuthFailureLimit;
  clock?: () => number;
  /**
   * The dashboard's signed-in browsers: a request with no Authorization header may carry their
   * session cookie instead (its scripts and its live events); one that changes something must
   * then send the session's CSRF token in `x-csrf-token`.
   */
  sessions?: SessionStore;
}

/**
 * The client's socket address, from @hono/node-server's bindings; undefined in process
 * (`app.request()` has no socket), where all requests share one bucket.
 */
export function remoteAddress(c: Context): string | undefined {
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
    const header = c.req.header('authorization');
    if (
      header === undefined &&
      options.sessions !== undefined &&
      c.req.raw.headers.get('cookie')?.includes(SESSION_COOKIE)
    ) {
      const signedIn = await sessionOf(c, options.sessions);
      if (signedIn === undefined)
        throw new ShambaError('NOT_AUTHENTICATED', 'the session has ended: sign in again');
      const { session } = signedIn;
      if (!isSafeMethod(c.req.method) && !csrfMatches(c.req.header('x-csrf-token'), session.csrf))
        throw new ShambaError('NOT_AUTHORIZED', "send the page's CSRF token in x-csrf-token");
      const sessions = options.sessions;
      c.set('principal', signedIn.principal);
      c.set('credential', {
        key: session.tokenDigest,
        stillValid: async () =>
          (await sessions.resolve(session.id, { touch: false })) !== undefined,
      });
      return next();
    }
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header ?? '');
    if (match === null)
      throw new ShambaError('NOT_AUTHENTICATED', 'send Authorization: Bearer <token>');
    // Expired and revoked tokens are refused like unknown ones (issue 13, case 13).
    const digest = tokenDigest(match[1]!);
    const principal = await registry.tokens.find(digest, clock());
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
    c.set('credential', {
      key: digest,
      stillValid: async () => (await registry.tokens.find(digest, clock())) !== undefined,
    });
    await next();
  });
}
