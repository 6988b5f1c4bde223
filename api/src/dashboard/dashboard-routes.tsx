import { Hono, type Env, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { ShambaError } from '@shamba/schemas';
import { auditTrail } from '../audit/audit-trail.js';
import type { DashboardDeps, DashboardEnv } from './dashboard-env.js';
import { agronomyPages } from './pages/agronomy-pages.js';
import { devicePages } from './pages/devices-page.js';
import { fieldPages } from './pages/field-page.js';
import { forecastPages } from './pages/forecast-page.js';
import { mapPage } from './pages/map-page.js';
import { languageRoute } from './language.js';
import { formBodyLimit, pageAuth } from './page-auth.js';
import { signInRoutes } from './sign-in.js';

/**
 * The pages' own policy: everything from this box only (scripts, styles, images, live events),
 * no inline script, nothing framed; the NDVI images are blobs and data URLs drawn here.
 */
export const DASHBOARD_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'same-origin',
});

/**
 * The pages' middleware, kept off the API's paths: mounted at `/`, it also sees a `/v1` request
 * no API route answered, which must get the API's own 404 or 405 problem, not a sign-in.
 */
function pagesOnly<E extends Env>(middleware: MiddlewareHandler<E>): MiddlewareHandler<E> {
  const guarded: MiddlewareHandler<E> = (c, next) =>
    /^\/v1(\/|$)/.test(c.req.path) ? next() : middleware(c, next);
  // Keeps the middleware's marks (a body limit's `maxBodyBytes`, read by the hardening test).
  return Object.assign(guarded, middleware);
}

/**
 * The cooperative's dashboard, served by the API on the box: sign-in, the pages (server-rendered
 * with Hono's JSX, tables first, maps and charts drawn by their scripts), and their assets.
 */
export function dashboardRoutes(deps: DashboardDeps) {
  const pages = new Hono<DashboardEnv>()
    .use(pagesOnly(formBodyLimit))
    .use(pagesOnly(pageAuth(deps)))
    .use(pagesOnly(auditTrail(deps)))
    .route('/', languageRoute())
    .route('/', mapPage(deps))
    .route('/', fieldPages(deps))
    .route('/', forecastPages(deps))
    .route('/', agronomyPages(deps))
    .route('/', devicePages(deps));
  return (
    new Hono()
      .get('/assets/:name', (c) => {
        const asset = deps.assets.get(c.req.param('name'));
        if (asset === undefined) throw new ShambaError('NOT_FOUND', 'no such asset');
        const gzip = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
        c.header('content-type', asset.type);
        // Content-hashed names: a new build is a new URL, so an old one never changes.
        c.header('cache-control', 'public, max-age=31536000, immutable');
        c.header('etag', asset.etag);
        c.header('vary', 'accept-encoding');
        if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304);
        if (gzip) c.header('content-encoding', 'gzip');
        return c.body((gzip ? asset.gzip : asset.body) as Uint8Array<ArrayBuffer>);
      })
      // The browser asks for it on every site; the dashboard has none (no 404 in the console).
      .get('/favicon.ico', (c) => c.body(null, 204))
      .route('/', signInRoutes(deps))
      .route('/', pages)
  );
}
