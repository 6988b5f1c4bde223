import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ShambaError } from '@shamba/schemas';
import { calculateEt0 } from '@shamba/analytics';
import type { AppEnv } from '../auth/bearer-auth.js';

/** A year of hourly periods is about 4 MiB of JSON; more than that is not one request. */
const MAX_ET0_BODY_BYTES = 4 * 1024 * 1024;

/** Agronomy calculators: pure functions over the request body, no tenant data. */
export function agronomyRoutes() {
  return new Hono<AppEnv>().post(
    '/et0',
    bodyLimit({
      maxSize: MAX_ET0_BODY_BYTES,
      onError: () => {
        throw new ShambaError('INVALID_REQUEST', `body larger than ${MAX_ET0_BODY_BYTES} bytes`);
      },
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new ShambaError('INVALID_REQUEST', 'the body is not JSON');
      }
      return c.json(calculateEt0(body));
    },
  );
}
