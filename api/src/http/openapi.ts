import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { prettifyError, z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './errors.js';

/**
 * A route module's app: routes declared with `createRoute` (request and response schemas from the
 * shared zod schemas) land in the OpenAPI document; a request that fails its schema is refused
 * with the same INVALID_REQUEST problem as everywhere else, saying what is wrong.
 */
export function openApiRoutes<E extends Env>() {
  return new OpenAPIHono<E>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ShambaError('INVALID_REQUEST', prettifyError(result.error));
      }
    },
  });
}

/** A JSON body or response of this schema. */
export function json<T extends z.ZodType>(schema: T) {
  return { 'application/json': { schema } } as const;
}

/** A required JSON request body of this schema. */
export function jsonBodyOf<T extends z.ZodType>(schema: T, description?: string) {
  return {
    required: true,
    content: json(schema),
    ...(description === undefined ? {} : { description }),
  } as const;
}

const PROBLEM_DESCRIPTION: Record<number, string> = {
  400: 'The request is malformed or fails its schema (`INVALID_REQUEST`); `detail` says what.',
  401: 'No valid bearer token (`NOT_AUTHENTICATED`).',
  403: "The token's role may not do this (`NOT_AUTHORIZED`).",
  404: 'No such object, or one the token may not see: the two are not told apart (`NOT_FOUND`).',
  409: 'Conflicts with what is stored (`CONFLICT`).',
  413: 'The body is larger than the route allows.',
  415: 'The body is in a media type the route does not read.',
  422: 'The content is well formed but cannot be used (`RASTER_INVALID`).',
  429: 'Too many requests; `Retry-After` says how many seconds to wait.',
  503: 'A store or worker is unavailable; try again.',
};

/**
 * The problems a route may answer with, as OpenAPI responses (RFC 9457 documents). Every
 * authenticated route lists COMMON_PROBLEMS (400, 401, 403, 404, 429); add the others it can give.
 */
export function problems(...statuses: number[]): NonNullable<RouteConfig['responses']> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTION[status] ?? 'A problem (RFC 9457).',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  );
}

/** The problems every authenticated route can answer with. */
export const COMMON_PROBLEMS = problems(400, 401, 403, 404, 429);

/** A path parameter that is an object's id. */
export const idParam = (description: string) => z.string().min(1).max(128).meta({ description });
