import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';
import { ShambaError } from '@shamba/schemas';
import type { OpenedGateway } from '@shamba/delivery';
import { limitBody } from '../http/body.js';
import { describedBody } from '../http/described-body.js';
import { json, openApiRoutes, problems } from '../http/openapi.js';

/** A provider's callback is a short form (AT: a dozen fields, a 160-character text): 8 KiB. */
const MAX_BODY_BYTES = 8192;

export interface SmsCallbacks {
  /** The secret path segment the provider is configured with (SHAMBA_SMS_CALLBACK_TOKEN). */
  token: string;
  accept: NonNullable<OpenedGateway['callbacks']>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

// Any string: a wrong secret is a 404 from the handler, never a 400 that tells it apart.
const TokenPath = z.object({
  token: z.string().meta({ description: 'The secret the provider was configured with.' }),
});
/** The provider's form: its own field names, read by the gateway adapter. */
const FORM_BODY = describedBody(
  'application/x-www-form-urlencoded',
  { type: 'object', additionalProperties: { type: 'string' } },
  { required: true, description: "The provider's callback form, in its own field names." },
);
const TAGS = ['SMS callbacks'];
// No bearer token: a provider cannot send one; the secret in the path stands for it.
const NO_TOKEN: [] = [];
const CALLBACK_PROBLEMS = problems(400, 404);

const deliveryReport = createRoute({
  method: 'post',
  path: '/{token}/delivery-reports',
  tags: TAGS,
  summary: "The SMS provider's delivery report (the provider: secret in the path)",
  description: 'A wrong secret answers 404, like a route that does not exist.',
  security: NO_TOKEN,
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: TokenPath, body: FORM_BODY },
  responses: {
    200: {
      description: 'Taken; `final` says whether the report ends the message (delivered, failed).',
      content: json(z.object({ accepted: z.literal(true), final: z.boolean() })),
    },
    ...CALLBACK_PROBLEMS,
  },
});

const inbound = createRoute({
  method: 'post',
  path: '/{token}/inbound',
  tags: TAGS,
  summary: 'A message a farmer sent (the provider: secret in the path)',
  description:
    'A wrong secret answers 404, like a route that does not exist. A message the provider ' +
    'delivers twice (the same message id) is acted on once.',
  security: NO_TOKEN,
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: TokenPath, body: FORM_BODY },
  responses: {
    200: { description: 'Taken.', content: json(z.object({ accepted: z.literal(true) })) },
    ...CALLBACK_PROBLEMS,
  },
});

/**
 * The HTTP SMS provider's callbacks: delivery reports and messages farmers sent. A provider
 * cannot send our bearer tokens, so the URL carries a secret (compared in constant time); a
 * wrong one is a 404, like a route that does not exist.
 */
export function smsCallbackRoutes(callbacks: SmsCallbacks | undefined) {
  const expected = callbacks === undefined ? undefined : digest(callbacks.token);
  const checked = (c: Context, token: string) => {
    if (expected === undefined || !timingSafeEqual(digest(token), expected)) {
      throw new ShambaError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}`);
    }
    return callbacks!.accept;
  };
  const form = async (c: Context) => {
    const body = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      if (typeof value === 'string') fields[key] = value;
    }
    return fields;
  };
  return openApiRoutes<Env>()
    .openapi(deliveryReport, async (c) => {
      const accept = checked(c, c.req.valid('param').token);
      const receipt = accept.acceptDeliveryReport(await form(c));
      return c.json({ accepted: true as const, final: receipt !== null }, 200);
    })
    .openapi(inbound, async (c) => {
      const accept = checked(c, c.req.valid('param').token);
      accept.acceptInbound(await form(c));
      return c.json({ accepted: true as const }, 200);
    });
}
