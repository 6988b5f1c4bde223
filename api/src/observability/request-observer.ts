import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry as MetricsRegistry } from 'prom-client';

/** What the observer keeps on each request's context. */
export type ObservedEnv = { Variables: { requestId: string; unmatched: boolean } };

/** The label a request that matched no route gets: one value, whatever path was asked for. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The API's HTTP metrics, registered on the registry the process exposes at /metrics. */
export function createHttpMetrics(registry: MetricsRegistry) {
  // Labelled by route PATTERN, never the raw path: ids in paths would make one series per
  // field or scene (Prometheus naming practices: "do not use labels to store dimensions with
  // high cardinality"). Method and status are closed sets, routes a fixed list.
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    requests: new Counter({
      name: 'shamba_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames,
      registers: [registry],
    }),
    seconds: new Histogram({
      name: 'shamba_http_request_duration_seconds',
      help: 'Time from a request arriving to its response being ready, by method, route pattern and status',
      labelNames,
      // From a cached JSON read (~1 ms) to a zone delineation over many scenes (seconds).
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

/** The route pattern the request was answered by (`/v1/fields/:fieldId`), bounded. */
function routeLabel(c: Context<ObservedEnv>): string {
  return c.get('unmatched') === true ? UNMATCHED_ROUTE : routePath(c) || UNMATCHED_ROUTE;
}

/**
 * Gives every request an id (answered in `X-Request-Id`, logged with its errors), writes one
 * access line per request at info and counts it in the HTTP metrics. The line has the method,
 * route pattern, status, duration and id: not the path (ids of tenants' fields), the query or
 * any header (the bearer token).
 */
export function observeRequests(options: { logger: Logger; metrics?: HttpMetrics }) {
  const { logger, metrics } = options;
  return createMiddleware<ObservedEnv>(async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    const startMs = performance.now();
    // Errors are answered by onError inside next(): c.res is the error response here.
    await next();
    const durationMs = performance.now() - startMs;
    c.header('X-Request-Id', requestId);
    const labels = { method: c.req.method, route: routeLabel(c), status: c.res.status };
    metrics?.requests.inc(labels);
    metrics?.seconds.observe(labels, durationMs / 1000);
    logger.info(
      { requestId, ...labels, durationMs: Math.round(durationMs * 10) / 10 },
      'http request',
    );
  });
}

/**
 * Logs an error that is not a ShambaError (a bug or an unexpected failure: the client sees
 * only `INTERNAL`) with the request's id, which the client can quote.
 */
export function logUnexpected(logger: Logger, error: unknown, c: Context<ObservedEnv>): void {
  logger.error(
    { err: error, requestId: c.get('requestId'), method: c.req.method, route: routeLabel(c) },
    'request failed',
  );
}
