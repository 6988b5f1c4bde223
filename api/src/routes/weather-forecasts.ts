import { Hono } from 'hono';
import { ShambaError, WeatherForecastSchema } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The cooperative's daily weather forecast: its staff (or an integration acting as its manager)
 * put the latest issue; prescriptions hold irrigation when the forecast rain covers the need.
 */
export function weatherForecastRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  return new Hono<AppEnv>()
    .get('/coops/:coopId/weather-forecast', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const forecast = await registry.weatherForecasts.latest(coopId);
      if (forecast === undefined) throw new ShambaError('NOT_FOUND', 'no forecast yet');
      return c.json(forecast);
    })
    .put('/coops/:coopId/weather-forecast', limitBody(MAX_BODY_BYTES), async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      await registry.weatherForecasts.put(coopId, await parseJsonBody(c, WeatherForecastSchema));
      return c.json(await registry.weatherForecasts.latest(coopId));
    });
}
