import { createRoute, z } from '@hono/zod-openapi';
import { calculateEt0 } from '@shamba/agronomy';
import {
  Et0OutcomeSchema,
  Et0RequestSchema,
  Et0ResultSchema,
  MAX_ET0_BATCH,
} from '@shamba/schemas';
import type { AppEnv } from '../auth/bearer-auth.js';
import { jsonBody, limitBody } from '../http/body.js';
import { describedBody } from '../http/described-body.js';
import { COMMON_PROBLEMS, json, openApiRoutes } from '../http/openapi.js';

/** A year of hourly periods is about 4 MiB of JSON; more than that is not one request. */
const MAX_ET0_BODY_BYTES = 4 * 1024 * 1024;

const et0 = createRoute({
  method: 'post',
  path: '/et0',
  tags: ['Agronomy'],
  summary: 'FAO-56 Penman-Monteith ET0 for a day or an hour, or a batch (anyone with a token)',
  description:
    'The same contract as `shamba et0`. One period answers its result with every intermediate ' +
    `value, or 400; an array (at most ${MAX_ET0_BATCH}) answers one outcome per period, a bad ` +
    'period as `{error: {code, message}}` in its place.',
  middleware: [limitBody(MAX_ET0_BODY_BYTES)],
  request: {
    // Read by the route itself: a batch's bad period is answered in its place, not refused.
    body: describedBody(
      'application/json',
      z.union([Et0RequestSchema, z.array(Et0RequestSchema).max(MAX_ET0_BATCH)]),
      { required: true, description: 'One period of weather, or an array of them.' },
    ),
  },
  responses: {
    200: {
      description: 'The result (one period) or one outcome per period (an array).',
      content: json(z.union([Et0ResultSchema, z.array(Et0OutcomeSchema)])),
    },
    ...COMMON_PROBLEMS,
  },
});

/** Agronomy calculators: pure functions over the request body, no tenant data. */
export function agronomyRoutes() {
  return openApiRoutes<AppEnv>().openapi(et0, async (c) =>
    c.json(calculateEt0(await jsonBody(c)), 200),
  );
}
