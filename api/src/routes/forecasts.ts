import { Hono } from 'hono';
import { ShambaError } from '@shamba/schemas';
import type { ForecastService } from '@shamba/analytics';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { canSeeField, staffCoop } from '../auth/tenancy.js';

/**
 * Yield forecasts: a field's P10/P50/P90 (its farmer and its cooperative's staff), and a
 * cooperative's production by crop (its manager and agronomists, and admins).
 */
export function forecastRoutes(deps: { registry: Registry; forecasts: ForecastService }) {
  const { registry, forecasts } = deps;
  return new Hono<AppEnv>()
    .get('/fields/:fieldId/forecast', async (c) => {
      const id = c.req.param('fieldId');
      const field = await registry.fields.get(id);
      if (field === undefined || !canSeeField(c.get('principal'), field))
        throw new ShambaError('NOT_FOUND', `no field ${id}`);
      return c.json(await forecasts.field(field));
    })
    .get('/coops/:coopId/production', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      return c.json(await forecasts.coop(coopId));
    });
}
