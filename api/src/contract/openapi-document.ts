import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { referencePageRoutes } from './reference-page.js';

const TAGS = ['Contract'];

const getDocument = createRoute({
  method: 'get',
  path: '/openapi.json',
  tags: TAGS,
  summary: 'This document (no token needed)',
  security: [],
  responses: {
    200: {
      description: 'OpenAPI 3.1.',
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

const getReference = createRoute({
  method: 'get',
  path: '/reference',
  tags: TAGS,
  summary: 'The reference page that reads this document (no token needed)',
  security: [],
  responses: {
    200: {
      description: 'An HTML page (Swagger UI, served from the box).',
      content: { 'text/html': { schema: z.string() } },
    },
  },
});

/** What the document says of the API as a whole. */
const INFO = {
  title: 'Shamba API',
  version: '1',
  description:
    'Precision-agriculture pipeline for smallholder cooperatives: fields, devices, readings, ' +
    'satellite scenes, irrigation and nitrogen prescriptions, yield forecasts and SMS to ' +
    'farmers. Every route but `/v1/health`, this document and its reference page needs ' +
    '`Authorization: Bearer <token>`. An object of another cooperative answers 404, exactly ' +
    'like one that does not exist. Errors are RFC 9457 problem details with a stable `code`.',
  license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
};

type Documented = Pick<OpenAPIHono<Env>, 'getOpenAPI31Document' | 'openAPIRegistry'>;

/**
 * `GET /v1/openapi.json` (OpenAPI 3.1, made once from the routes' declarations on first request)
 * and `GET /v1/reference` (the page that reads it).
 */
export function openApiDocumentRoutes(app: () => Documented) {
  let document: string | undefined;
  const made = () => {
    const whole = app();
    whole.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
      description: 'A token made by `shamba token add` or `POST /v1/tokens`.',
    });
    return JSON.stringify(
      whole.getOpenAPI31Document({
        openapi: '3.1.0',
        info: INFO,
        servers: [{ url: '/' }],
        security: [{ bearer: [] }],
      }),
    );
  };
  const routes = new OpenAPIHono();
  // Declared here, served below: the document is sent as made, once, as text; the page by
  // referencePageRoutes, with its own headers.
  routes.openAPIRegistry.registerPath(getDocument);
  routes.openAPIRegistry.registerPath(getReference);
  return routes
    .get('/openapi.json', (c) => {
      document ??= made();
      return c.body(document, 200, { 'content-type': 'application/json' });
    })
    .route('/', referencePageRoutes());
}
