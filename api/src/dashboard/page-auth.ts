import { createMiddleware } from 'hono/factory';
import { csrfMatches } from '../auth/csrf.js';
import { isSafeMethod, sessionOf } from '../auth/session-cookie.js';
import { limitBody } from '../http/body.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-env.js';
import { isPageNavigation } from './error-page.js';
import { languageOf } from './language.js';

/**
 * The largest form a signed-in page takes (a parameter set is the largest, a few KiB): read
 * before the gate parses it for its CSRF token, so no body is held past this.
 */
export const FORM_BODY_LIMIT = 64 * 1024;
export const formBodyLimit = limitBody(FORM_BODY_LIMIT);

/**
 * The signed-in pages' gate: no session sends the browser to `/login` (and back after); a form
 * that changes something must carry the session's CSRF token (`_csrf`, or `x-csrf-token` from a
 * script) and come from this site. A signed-in page is never stored by the browser (`no-store`):
 * on a shared office computer, signing out leaves nothing of it in the cache or history.
 */
export function pageAuth(deps: Pick<DashboardDeps, 'sessions' | 'registry'>) {
  return createMiddleware<DashboardEnv>(async (c, next) => {
    const signedIn = await sessionOf(c, deps.sessions);
    if (signedIn === undefined) {
      // Only a page the person navigated to goes to the sign-in form; anything else the browser
      // fetches on its own (an icon, a script's call) is told 401.
      if (!isSafeMethod(c.req.method) || !isPageNavigation(c)) return c.text('sign in again', 401);
      const url = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    }
    if (!isSafeMethod(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== new URL(c.req.url).origin)
        return c.text('cross-site form refused', 403);
      const type = c.req.header('content-type') ?? '';
      const sent =
        type.startsWith('application/x-www-form-urlencoded') ||
        type.startsWith('multipart/form-data')
          ? (await c.req.parseBody())._csrf
          : c.req.header('x-csrf-token');
      if (!csrfMatches(sent, signedIn.session.csrf))
        return c.text('the form had expired: reload the page', 403);
    }
    c.set('principal', signedIn.principal);
    c.set('session', signedIn.session);
    c.set('language', await languageOf(c, deps, signedIn.principal));
    c.header('cache-control', 'no-store');
    await next();
  });
}
