import { Hono } from 'hono';
import { calculateEt0 } from '@shamba/agronomy';
import type { AppEnv } from '../auth/bearer-auth.js';
import { jsonBody, limitBody } from '../http/body.js';

/** A year of hourly periods is about 4 MiB of JSON; more than that is not one request. */
const MAX_ET0_BODY_BYTES = 4 * 1024 * 1024;

/** Agronomy calculators: pure functions over the request body, no tenant data. */
export function agronomyRoutes() {
  return new Hono<AppEnv>().post('/et0', limitBody(MAX_ET0_BODY_BYTES), async (c) => {
    const body = await jsonBody(c);
    return c.json(calculateEt0(body));
  });
}
