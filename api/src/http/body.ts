import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import { prettifyError } from 'zod';

/** The middleware's mark, read by the test that every route taking a body has a limit. */
export interface BodyLimitMiddleware {
  readonly maxBodyBytes: number;
}

/**
 * The one bound on a request body: every route that reads one puts this first, with a limit
 * suited to it (app-hardening.test.ts checks that each does). Hono's `bodyLimit` refuses a
 * declared Content-Length over `maxSize` before reading (Node's parser holds a client to the
 * length it declared), and counts a body without one as it arrives, holding at most `maxSize`:
 * a 300 MB JSON array never reaches JSON.parse, where V8 would abort the process.
 */
export function limitBody(maxSize: number) {
  const middleware = bodyLimit({
    maxSize,
    onError: (c) => {
      // The rest of the body is still on the connection: it cannot carry another request.
      c.header('connection', 'close');
      throw new ShambaError('INVALID_REQUEST', `body larger than ${maxSize} bytes`);
    },
  });
  return Object.assign(middleware, { maxBodyBytes: maxSize } satisfies BodyLimitMiddleware);
}

export interface JsonBodyOptions {
  /** The value of an empty body; without it an empty body is not JSON. */
  empty?: unknown;
}

/** The request's JSON body (bounded by the route's `limitBody`), or INVALID_REQUEST. */
export async function jsonBody(c: Context, options: JsonBodyOptions = {}): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '' && 'empty' in options) return options.empty;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ShambaError('INVALID_REQUEST', 'the body is not JSON');
  }
}

/** The request's JSON body checked against a schema, or INVALID_REQUEST with what is wrong. */
export async function parseJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  options: JsonBodyOptions = {},
): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await jsonBody(c, options));
  if (!parsed.success) throw new ShambaError('INVALID_REQUEST', prettifyError(parsed.error));
  return parsed.data;
}
