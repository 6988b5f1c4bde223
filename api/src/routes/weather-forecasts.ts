import { createRoute, z } from '@hono/zod-openapi';
import { ShambaError, WeatherForecastSchema } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { staffCoop } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { jsonWithETag } from '../http/etag.js';
import { COMMON_PROBLEMS, idParam, json, jsonBodyOf, openApiRoutes } from '../http/openapi.js';

/** A forecast is at most 16 days of five numbers: 64 KiB is far more than any issue. */
const MAX_BODY_BYTES = 64 * 1024;

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const TAGS = ['Weather forecast'];

const getForecast = createRoute({
  method: 'get',
  path: '/coops/{coopId}/weather-forecast',
  tags: TAGS,
  summary: "The cooperative's latest daily weather forecast (staff)",
  description:
    'Answers an `ETag`; send it back as `If-None-Match` to get 304 while the forecast is the ' +
    'same. 404 before any forecast was put.',
  request: { params: CoopPath },
  responses: {
    200: {
      description: 'The newest issue.',
      headers: z.object({ etag: z.string() }),
      content: json(WeatherForecastSchema),
    },
    304: { description: 'Not modified: the `If-None-Match` ETag is still current.' },
    ...COMMON_PROBLEMS,
  },
});

const putForecast = createRoute({
  method: 'put',
  path: '/coops/{coopId}/weather-forecast',
  tags: TAGS,
  summary: "Put the cooperative's latest forecast issue (staff)",
  description:
    'An issue older than the kept one is ignored: the answer is always the newest kept. ' +
    'Irrigation waits when forecast rain covers the need.',
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: CoopPath, body: jsonBodyOf(WeatherForecastSchema) },
  responses: {
    200: { description: 'The newest kept issue.', content: json(WeatherForecastSchema) },
    ...COMMON_PROBLEMS,
  },
});

/**
 * The cooperative's daily weather forecast: its staff (or an integration acting as its manager)
 * put the latest issue; prescriptions hold irrigation when the forecast rain covers the need.
 */
export function weatherForecastRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const latest = async (coopId: string) => {
    const forecast = await registry.weatherForecasts.latest(coopId);
    if (forecast === undefined) throw new ShambaError('NOT_FOUND', 'no forecast yet');
    return forecast;
  };
  return openApiRoutes<AppEnv>()
    .openapi(getForecast, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      return jsonWithETag(c, await latest(coopId));
    })
    .openapi(putForecast, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      await registry.weatherForecasts.put(coopId, c.req.valid('json'));
      return c.json(await latest(coopId), 200);
    });
}
