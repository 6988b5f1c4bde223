import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import pino, { type Logger } from 'pino';
import type { Registry as MetricsRegistry } from 'prom-client';
import { isShambaError, ShambaError } from '@shamba/schemas';
import {
  createSceneRasterService,
  type ForecastService,
  type SceneRasterService,
} from '@shamba/analytics';
import type { RemoteAccess } from '@shamba/raster';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import { createAuthFailureLimit, type AuthFailureLimitOptions } from './auth/auth-failure-limit.js';
import { bearerAuth, type AppEnv } from './auth/bearer-auth.js';
import { createSessionStore, type SessionStore } from './auth/sessions.js';
import type { DashboardAssets } from './dashboard/assets.js';
import { DASHBOARD_HEADERS, dashboardRoutes } from './dashboard/dashboard-routes.js';
import { answersAsPage, errorPage } from './dashboard/error-page.js';
import { allowedMethodsFor } from './http/allowed-methods.js';
import { errorResponse } from './http/errors.js';
import { openApiDocumentRoutes } from './contract/openapi-document.js';
import type { PrescriptionRecompute } from './prescription-recompute.js';
import { auditTrail } from './audit/audit-trail.js';
import { createJobs, type Jobs } from './jobs/jobs.js';
import { agronomyRoutes } from './routes/agronomy.js';
import { auditRoutes } from './routes/audit.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { eventRoutes } from './routes/events.js';
import { farmerRoutes } from './routes/farmers.js';
import { coopRoutes } from './routes/coops.js';
import { coopFieldRoutes } from './routes/coop-fields.js';
import { deviceRoutes, type DeviceSessions } from './routes/devices.js';
import { tokenRoutes } from './routes/tokens.js';
import { fieldRoutes } from './routes/fields.js';
import { fieldPrescriptionRoutes } from './routes/fields-prescriptions.js';
import { prescriptionFileRoutes } from './routes/prescription-files.js';
import { fieldZoneRoutes } from './routes/fields-zones.js';
import { coopExportRoutes } from './routes/coop-export.js';
import { fertiliserApplicationRoutes } from './routes/fertiliser-applications.js';
import { forecastRoutes } from './routes/forecasts.js';
import { messageRoutes, type DeliveryInfo } from './routes/messages.js';
import { smsCallbackRoutes, type SmsCallbacks } from './routes/sms-callbacks.js';
import { parameterSetRoutes } from './routes/parameter-sets.js';
import { sceneRoutes, type SceneRegistrar } from './routes/scenes.js';
import { weatherForecastRoutes } from './routes/weather-forecasts.js';
import { modelRoutes, type YieldModels } from './routes/models.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { programmeRoutes } from './routes/programme.js';
import {
  createHttpMetrics,
  logUnexpected,
  observeRequests,
  type ObservedEnv,
} from './observability/request-observer.js';

export interface AppOptions {
  registry: Registry;
  store: TimeSeriesStore;
  health: HealthCheck;
  /**
   * The prescription service, when analytics run: a change to a field's inputs made through the
   * API (zones applied, fertiliser recorded) recomputes its prescriptions at once.
   */
  prescriptions?: PrescriptionRecompute;
  /** Yield forecasts (GET /v1/fields/:id/forecast, /v1/coops/:id/production), when analytics run. */
  forecasts?: ForecastService;
  /** The farmer's channel (gateway, limits), when the delivery service runs; else the outbox. */
  delivery?: DeliveryInfo & { callbacks?: SmsCallbacks };
  /** Yield history uploads and model versions (train, list, promote), when analytics run. */
  models?: YieldModels;
  /** Scene registration by URL (POST /v1/scenes), when the scene service runs. */
  scenes?: SceneRegistrar;
  /**
   * NDVI images and zone delineation (the analytics worker pool, off the request thread);
   * by default drawn in this thread, fetching under `remoteAccess`.
   */
  rasters?: SceneRasterService;
  /**
   * The process's Prometheus registry, exposed at GET /metrics; the API adds its HTTP request
   * metrics to it. None: no /metrics and no HTTP metrics.
   */
  metrics?: MetricsRegistry;
  /** Access lines (info) and unexpected errors with their request ids (default: silent). */
  logger?: Logger;
  /**
   * Which addresses stored scenes' URLs may be fetched from when an image is drawn by the default
   * `rasters` (default: public only; the same policy the scene service registers them under).
   */
  remoteAccess?: RemoteAccess;
  /** Token expiry is checked against this clock (default Date.now). */
  clock?: () => number;
  /** Failed authentications per client address (default: 20 a minute). */
  authFailures?: AuthFailureLimitOptions;
  /**
   * The dashboard's scripts and styles (`loadDashboardAssets`): with them, the API serves the
   * dashboard at `/` (sign in at `/login`); without, the API alone.
   */
  dashboard?: { assets: DashboardAssets; sessions?: SessionStore };
  /**
   * The running broker's device sessions: a device disabled or given a new secret through the API
   * is disconnected at once. None (an API without a broker): the broker refuses it at its next
   * CONNECT.
   */
  devices?: DeviceSessions;
  /** Long work answered 202 and followed at `GET /v1/jobs/{id}` (default: in memory). */
  jobs?: Jobs;
}

/**
 * Headers for every response (OWASP Secure Headers Project): the API answers JSON and PNG only,
 * so its Content-Security-Policy allows nothing to load, run or frame it; hono's defaults add
 * nosniff, no-referrer, same-origin opener and resource policies, frame denial and HSTS (which
 * browsers apply only over HTTPS).
 */
const SECURE_HEADERS = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
});

/** The HTTP API. Pure wiring: every route is a small module with its dependencies passed in. */
export function createApp(options: AppOptions) {
  const { registry, store } = options;
  const clock = options.clock ?? Date.now;
  const failures = createAuthFailureLimit({ clock, ...options.authFailures });
  const rasters =
    options.rasters ?? createSceneRasterService({ remoteAccess: options.remoteAccess });
  const sessions = options.dashboard?.sessions ?? createSessionStore(registry, { clock });
  const jobs = options.jobs ?? createJobs({ clock, logger: options.logger });
  const authed = new OpenAPIHono<AppEnv>()
    .use(bearerAuth(registry, { failures, clock, sessions }))
    .use(auditTrail({ registry, clock, logger: options.logger }))
    .route('/fields', fieldRoutes({ registry, store, rasters }))
    .route(
      '/fields',
      fieldZoneRoutes({
        registry,
        store,
        rasters,
        prescriptions: options.prescriptions,
        logger: options.logger,
        jobs,
      }),
    )
    .route('/fields', fieldPrescriptionRoutes({ registry }))
    .route('/fields', prescriptionFileRoutes({ registry }))
    .route(
      '/fields',
      fertiliserApplicationRoutes({ registry, prescriptions: options.prescriptions, clock }),
    )
    .route('/', farmerRoutes({ registry, clock }))
    .route('/', coopExportRoutes({ registry, store, models: options.models, clock }))
    .route('/', coopRoutes({ registry }))
    .route('/', coopFieldRoutes({ registry, prescriptions: options.prescriptions }))
    .route('/', deviceRoutes({ registry, clock, sessions: options.devices }))
    .route('/', tokenRoutes({ registry, clock }))
    .route(
      '/',
      messageRoutes({
        registry,
        clock,
        ...(options.delivery === undefined ? {} : { delivery: options.delivery }),
      }),
    )
    .route('/dead-letters', deadLetterRoutes({ registry }))
    .route('/', jobRoutes({ jobs }))
    .route('/', programmeRoutes({ registry }))
    .route('/', auditRoutes({ registry }))
    .route('/', eventRoutes({ registry, store, clock, logger: options.logger }))
    .route('/agronomy', agronomyRoutes())
    .route('/', parameterSetRoutes({ registry }))
    .route('/', weatherForecastRoutes({ registry }))
    .route(
      '/',
      options.scenes === undefined
        ? new Hono<AppEnv>()
        : sceneRoutes({ registry, scenes: options.scenes, rasters, jobs }),
    )
    .route(
      '/',
      options.models === undefined
        ? new Hono<AppEnv>()
        : modelRoutes({ registry, store, clock, models: options.models, jobs }),
    )
    .route(
      '/',
      options.forecasts === undefined
        ? new Hono<AppEnv>()
        : forecastRoutes({ registry, forecasts: options.forecasts }),
    );
  const { metrics } = options;
  const logger = options.logger ?? pino({ level: 'silent' });
  const httpMetrics = metrics === undefined ? undefined : createHttpMetrics(metrics);
  // The methods each path answers, for 405s: read from the routes once the app is whole.
  let allowed: ReturnType<typeof allowedMethodsFor> | undefined;
  const app = new OpenAPIHono<ObservedEnv>();
  app
    .use(
      observeRequests({ logger, ...(httpMetrics === undefined ? {} : { metrics: httpMetrics }) }),
    )
    // The API's headers allow nothing to load; the dashboard's pages and the API's reference
    // page have their own policies.
    .use((c, next) => {
      if (/^\/v1\/reference(\/|$)/.test(c.req.path)) return next();
      return options.dashboard !== undefined && !/^\/(v1|metrics)(\/|$)/.test(c.req.path)
        ? DASHBOARD_HEADERS(c, next)
        : SECURE_HEADERS(c, next);
    })
    .route('/v1/health', healthRoutes(options.health))
    // The contract and its reference page, readable without a token (no tenant data).
    .route(
      '/v1',
      openApiDocumentRoutes(() => app),
    )
    // Counters and gauges only, no tenant data: scraped without a token, like /v1/health.
    .get('/metrics', async (c) => {
      if (metrics === undefined) throw new ShambaError('NOT_FOUND', 'metrics are not enabled');
      return c.body(await metrics.metrics(), 200, { 'content-type': metrics.contentType });
    })
    // The SMS provider's callbacks carry a secret in the path instead of a bearer token.
    .route('/v1/sms/callbacks', smsCallbackRoutes(options.delivery?.callbacks))
    .route('/v1', authed)
    .route(
      '/',
      options.dashboard === undefined
        ? new Hono()
        : dashboardRoutes({
            registry,
            store,
            sessions,
            failures,
            clock,
            logger,
            assets: options.dashboard.assets,
            ...(options.forecasts === undefined ? {} : { forecasts: options.forecasts }),
            ...(options.models === undefined ? {} : { models: options.models }),
          }),
    )
    .notFound((c) => {
      c.set('unmatched', true);
      allowed ??= allowedMethodsFor(app.routes);
      const methods = allowed(c.req.path);
      if (methods.length > 0 && !methods.includes(c.req.method)) {
        return errorResponse(
          new ShambaError('METHOD_NOT_ALLOWED', `${c.req.path} answers ${methods.join(', ')}`, {
            details: { allow: methods },
          }),
          c,
        );
      }
      return errorResponse(
        new ShambaError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`),
        c,
      );
    })
    .onError((error, c) => {
      if (options.dashboard !== undefined && answersAsPage(c, error))
        return errorPage(c, error, options.dashboard);
      if (!isShambaError(error)) logUnexpected(logger, error, c);
      return errorResponse(error, c);
    });
  return app;
}

export type App = ReturnType<typeof createApp>;
