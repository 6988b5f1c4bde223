import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import { prettifyError } from 'zod';

/**
 * A JSON body read without a route's own limit: every JSON request of this API (a parameter set,
 * a forecast, a training request) is a few KiB; 64 KiB is far above them and far below what
 * would strain JSON.parse (V8 aborts the process, uncatchably, on a ~270 MB array).
 */
export const DEFAULT_JSON_BODY_BYTES = 64 * 1024;

/** The limit `limitBody` set for a request, read by `jsonBody` (the same Context flows through). */
const routeLimits = new WeakMap<Context, number>();

const tooLarge = (maxSize: number) =>
  new ShambaError('INVALID_REQUEST', `body larger than ${maxSize} bytes`);

/** Refuses a body over `maxSize` bytes with INVALID_REQUEST before it is read. */
export function limitBody(maxSize: number) {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw tooLarge(maxSize);
    },
  });
  return createMiddleware(async (c, next) => {
    routeLimits.set(c, maxSize);
    return limit(c, next);
  });
}

/**
 * The request's body as text, read chunk by chunk and abandoned past `maxBytes`: whatever the
 * Content-Length says (or when there is none), no more than the limit is held in memory.
 */
async function boundedText(c: Context, maxBytes: number): Promise<string> {
  const raw = c.req.raw;
  const declared = Number(raw.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (raw.body === null) return '';
  const reader = (raw.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      // The rest of the body is still on the connection: it cannot carry another request.
      c.header('connection', 'close');
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, received).toString('utf8');
}

export interface JsonBodyOptions {
  /** Largest body accepted; by default the route's `limitBody`, else `DEFAULT_JSON_BODY_BYTES`. */
  maxBytes?: number;
  /** The value of an empty body; without it an empty body is not JSON. */
  empty?: unknown;
}

/**
 * The request's JSON body, or INVALID_REQUEST saying it is too large or not JSON. The size is
 * bounded before parsing even on a route that forgot `limitBody`.
 */
export async function jsonBody(c: Context, options: JsonBodyOptions = {}): Promise<unknown> {
  const text = await boundedText(
    c,
    options.maxBytes ?? routeLimits.get(c) ?? DEFAULT_JSON_BODY_BYTES,
  );
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
