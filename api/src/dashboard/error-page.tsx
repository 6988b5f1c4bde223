import type { Context } from 'hono';
import { isShambaError, type ShambaError } from '@shamba/schemas';
import { statusOf } from '../http/errors.js';
import type { DashboardContext, DashboardDeps } from './dashboard-env.js';
import { t } from './dashboard-env.js';
import { Layout } from './layout.js';

/** A page the person navigated to (not a script's call, which gets the API's JSON error). */
export function isPageNavigation(c: Context): boolean {
  return (
    c.req.header('sec-fetch-dest') === 'document' ||
    (c.req.header('accept') ?? '').includes('text/html')
  );
}

/**
 * A refusal on a signed-in page as a page: "not found" for what is not there or not yours (the
 * two look the same, as in the API), the error's own message otherwise.
 */
export function errorPage(c: Context, error: ShambaError, deps: Pick<DashboardDeps, 'assets'>) {
  const page = c as DashboardContext;
  const status = statusOf(error);
  c.status(status);
  const notFound = status === 404;
  if (page.get('session') === undefined) return c.text(error.message, status);
  const title = notFound ? t(page, 'app.not-found') : String(status);
  return c.html(
    <Layout c={page} deps={deps} title={title}>
      <p role="alert">{notFound ? t(page, 'app.not-found-text') : error.message}</p>
      <p>
        <a href="/">{t(page, 'nav.map')}</a>
      </p>
    </Layout>,
  );
}

/**
 * Whether a failure should be answered as a page: a refusal on a dashboard page a person
 * navigated to. The API's errors stay JSON whatever the client accepts.
 */
export function answersAsPage(c: Context, error: unknown): error is ShambaError {
  return (
    isShambaError(error) &&
    statusOf(error) < 500 &&
    !/^\/(v1|metrics)(\/|$)/.test(c.req.path) &&
    isPageNavigation(c)
  );
}
