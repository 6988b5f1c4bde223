import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { ShambaError } from '@shamba/schemas';
import type { OpenedGateway } from '@shamba/delivery';
import { limitBody } from '../http/body.js';

/** A provider's callback is a short form (AT: a dozen fields, a 160-character text): 8 KiB. */
const MAX_BODY_BYTES = 8192;

export interface SmsCallbacks {
  /** The secret path segment the provider is configured with (SHAMBA_SMS_CALLBACK_TOKEN). */
  token: string;
  accept: NonNullable<OpenedGateway['callbacks']>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The HTTP SMS provider's callbacks: delivery reports and messages farmers sent. A provider
 * cannot send our bearer tokens, so the URL carries a secret (compared in constant time); a
 * wrong one is a 404, like a route that does not exist.
 */
export function smsCallbackRoutes(callbacks: SmsCallbacks | undefined) {
  const expected = callbacks === undefined ? undefined : digest(callbacks.token);
  const checked = (c: Context) => {
    if (expected === undefined || !timingSafeEqual(digest(c.req.param('token') ?? ''), expected)) {
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
  return new Hono()
    .post('/:token/delivery-reports', limitBody(MAX_BODY_BYTES), async (c) => {
      const accept = checked(c);
      const receipt = accept.acceptDeliveryReport(await form(c));
      return c.json({ accepted: true, final: receipt !== null });
    })
    .post('/:token/inbound', limitBody(MAX_BODY_BYTES), async (c) => {
      const accept = checked(c);
      accept.acceptInbound(await form(c));
      return c.json({ accepted: true });
    });
}
