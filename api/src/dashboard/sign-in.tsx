import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { webText } from '@shamba/delivery';
import { tokenDigest } from '@shamba/storage';
import { clientKey } from '../auth/auth-failure-limit.js';
import { remoteAddress } from '../auth/bearer-auth.js';
import { csrfMatches } from '../auth/csrf.js';
import { clearSessionCookie, sessionOf, setSessionCookie } from '../auth/session-cookie.js';
import { limitBody } from '../http/body.js';
import type { DashboardDeps } from './dashboard-env.js';
import { browserLanguage } from './language.js';
import { safeNext } from './safe-next.js';

const LOGIN_CSRF_COOKIE = 'shamba_login_csrf';
/** A token, its form's CSRF value and where to go next: a few hundred bytes. */
const SIGN_IN_BODY_LIMIT = 8 * 1024;

function loginPage(
  c: Context,
  options: { csrf: string; next: string; error?: string; stylesheet: string },
) {
  const language = browserLanguage(c);
  const text = (key: string, values?: Record<string, number>) => webText(key, language, values);
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${text('login.title')} · ${text('app.name')}`}</title>
        <link rel="stylesheet" href={options.stylesheet} />
      </head>
      <body class="login">
        <main id="main">
          <h1>{text('app.name')}</h1>
          <form method="post" action="/login">
            <h2>{text('login.title')}</h2>
            {options.error === undefined ? null : (
              <p class="error" role="alert" id="login-error">
                {options.error}
              </p>
            )}
            <input type="hidden" name="_csrf" value={options.csrf} />
            <input type="hidden" name="next" value={options.next} />
            <label for="token">{text('login.token')}</label>
            <input
              id="token"
              name="token"
              type="password"
              autocomplete="current-password"
              required
              aria-describedby="token-help"
              aria-invalid={options.error === undefined ? undefined : 'true'}
            />
            <p id="token-help" class="help">
              {text('login.token-help')}
            </p>
            <button type="submit">{text('login.submit')}</button>
          </form>
        </main>
      </body>
    </html>
  );
}

/**
 * `GET /login` (a form with one field, `token`), `POST /login` (the token checked like a bearer
 * token; a session cookie set), `POST /logout`. The sign-in form is protected by a double-submit
 * token (a cookie and a hidden field that must match), since there is no session yet.
 */
export function signInRoutes(
  deps: Pick<DashboardDeps, 'registry' | 'sessions' | 'failures' | 'clock' | 'assets'>,
) {
  const { sessions, failures } = deps;
  /** The form, with the reason it is shown again (`error`, answered with `status`). */
  const freshForm = (
    c: Context,
    next: string,
    refusal?: { error: string; status: 400 | 401 | 429 },
  ) => {
    const error = refusal?.error;
    const status = refusal?.status ?? 200;
    // One value per browser while it lasts: two tabs (or a stray request the browser makes on
    // its own) must not invalidate the form already shown.
    const kept = getCookie(c, LOGIN_CSRF_COOKIE);
    const csrf =
      kept !== undefined && /^[\w-]{32}$/.test(kept) ? kept : randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, { httpOnly: true, sameSite: 'Strict', path: '/login' });
    c.status(status);
    return c.html(
      loginPage(c, {
        csrf,
        next,
        stylesheet: deps.assets.url('common.css'),
        ...(error === undefined ? {} : { error }),
      }),
    );
  };
  return new Hono()
    .get('/login', (c) => freshForm(c, safeNext(c.req.query('next'))))
    .post('/login', limitBody(SIGN_IN_BODY_LIMIT), async (c) => {
      const form = await c.req.parseBody();
      const next = safeNext(form.next);
      const language = browserLanguage(c);
      const cookie = getCookie(c, LOGIN_CSRF_COOKIE) ?? '';
      if (!csrfMatches(form._csrf, cookie))
        return freshForm(c, next, { error: webText('login.expired-form', language), status: 400 });
      const client = clientKey(remoteAddress(c));
      const token = typeof form.token === 'string' ? form.token.trim() : '';
      const digest = token === '' || token.length > 200 ? undefined : tokenDigest(token);
      const principal =
        digest === undefined ? undefined : await deps.registry.tokens.find(digest, deps.clock());
      if (principal === undefined || digest === undefined) {
        const waitMs = failures.retryAfterMs(client);
        if (waitMs > 0) {
          c.header('retry-after', String(Math.ceil(waitMs / 1000)));
          const seconds = Math.ceil(waitMs / 1000);
          return freshForm(c, next, {
            error: webText('login.too-many', language, { seconds }),
            status: 429,
          });
        }
        failures.fail(client);
        return freshForm(c, next, { error: webText('login.failed', language), status: 401 });
      }
      // A browser signing in again leaves its old session behind: end it.
      const previous = await sessionOf(c, sessions);
      if (previous !== undefined) sessions.end(previous.session.id);
      setSessionCookie(c, sessions.create(digest));
      return c.redirect(next, 303);
    })
    .post('/logout', limitBody(SIGN_IN_BODY_LIMIT), async (c) => {
      const signedIn = await sessionOf(c, sessions);
      const form = await c.req.parseBody();
      if (signedIn !== undefined && csrfMatches(form._csrf, signedIn.session.csrf))
        sessions.end(signedIn.session.id);
      clearSessionCookie(c);
      return c.redirect('/login', 303);
    });
}
