import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ShambaError, WeatherForecastSchema } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The cooperative's daily weather forecast: its staff (or an integration acting as its manager)
 * put the latest issue; prescriptions hold irrigation when the forecast rain covers the need.
 */
export function weatherForecastRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const coopOf = async (
    c: { get(k: 'principal'): AppEnv['Variables']['principal'] },
    id: string,
  ) => {
    const principal = c.get('principal');
    requireRole(principal, ['admin', 'manager', 'agronomist']);
    if (
      (principal.role !== 'admin' && principal.coopId !== id) ||
      (await registry.coops.get(id)) === undefined
    )
      throw new ShambaError('NOT_FOUND', `no cooperative ${id}`);
    return id;
  };
  return new Hono<AppEnv>()
    .get('/coops/:coopId/weather-forecast', async (c) => {
      const coopId = await coopOf(c, c.req.param('coopId'));
      const forecast = await registry.weatherForecasts.latest(coopId);
      if (forecast === undefined) throw new ShambaError('NOT_FOUND', 'no forecast yet');
      return c.json(forecast);
    })
    .put(
      '/coops/:coopId/weather-forecast',
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new ShambaError('INVALID_REQUEST', `body larger than ${MAX_BODY_BYTES} bytes`);
        },
      }),
      async (c) => {
        const coopId = await coopOf(c, c.req.param('coopId'));
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          throw new ShambaError('INVALID_REQUEST', 'the body is not JSON');
        }
        const parsed = WeatherForecastSchema.safeParse(body);
        if (!parsed.success)
          throw new ShambaError('INVALID_REQUEST', z.prettifyError(parsed.error));
        await registry.weatherForecasts.put(coopId, parsed.data);
        return c.json(await registry.weatherForecasts.latest(coopId));
      },
    );
}
