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
import { errorResponse } from './http/errors.js';
import type { PrescriptionRecompute } from './prescription-recompute.js';
import { agronomyRoutes } from './routes/agronomy.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { eventRoutes } from './routes/events.js';
import { farmerRoutes } from './routes/farmers.js';
import { fieldRoutes } from './routes/fields.js';
import { fieldPrescriptionRoutes } from './routes/fields-prescriptions.js';
import { fieldZoneRoutes } from './routes/fields-zones.js';
import { fertiliserApplicationRoutes } from './routes/fertiliser-applications.js';
import { forecastRoutes } from './routes/forecasts.js';
import { messageRoutes, type DeliveryInfo } from './routes/messages.js';
import { smsCallbackRoutes, type SmsCallbacks } from './routes/sms-callbacks.js';
import { parameterSetRoutes } from './routes/parameter-sets.js';
import { sceneRoutes, type SceneRegistrar } from './routes/scenes.js';
import { weatherForecastRoutes } from './routes/weather-forecasts.js';
import { modelRoutes, type YieldModels } from './routes/models.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';
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
  const authed = new Hono<AppEnv>()
    .use(bearerAuth(registry, { failures, clock, sessions }))
    .route('/fields', fieldRoutes({ registry, store, rasters }))
    .route(
      '/fields',
      fieldZoneRoutes({
        registry,
        store,
        rasters,
        prescriptions: options.prescriptions,
        logger: options.logger,
      }),
    )
    .route('/fields', fieldPrescriptionRoutes({ registry }))
    .route(
      '/fields',
      fertiliserApplicationRoutes({ registry, prescriptions: options.prescriptions, clock }),
    )
    .route('/', farmerRoutes({ registry, clock }))
    .route(
      '/',
      messageRoutes({
        registry,
        clock,
        ...(options.delivery === undefined ? {} : { delivery: options.delivery }),
      }),
    )
    .route('/dead-letters', deadLetterRoutes({ registry }))
    .route('/', eventRoutes({ registry, store, clock, logger: options.logger }))
    .route('/agronomy', agronomyRoutes())
    .route('/', parameterSetRoutes({ registry }))
    .route('/', weatherForecastRoutes({ registry }))
    .route(
      '/',
      options.scenes === undefined
        ? new Hono<AppEnv>()
        : sceneRoutes({ registry, scenes: options.scenes, rasters }),
    )
    .route(
      '/',
      options.models === undefined
        ? new Hono<AppEnv>()
        : modelRoutes({ registry, store, clock, models: options.models }),
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
  return (
    new Hono<ObservedEnv>()
      .use(
        observeRequests({ logger, ...(httpMetrics === undefined ? {} : { metrics: httpMetrics }) }),
      )
      // The API's headers allow nothing to load; the dashboard's pages have their own policy.
      .use((c, next) =>
        options.dashboard !== undefined && !/^\/(v1|metrics)(\/|$)/.test(c.req.path)
          ? DASHBOARD_HEADERS(c, next)
          : SECURE_HEADERS(c, next),
      )
      .route('/v1/health', healthRoutes(options.health))
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
      })
  );
}

export type App = ReturnType<typeof createApp>;
