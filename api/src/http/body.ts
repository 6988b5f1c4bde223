import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import { prettifyError } from 'zod';

/** Refuses a body over `maxSize` bytes with INVALID_REQUEST before it is read. */
export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ShambaError('INVALID_REQUEST', `body larger than ${maxSize} bytes`);
    },
  });
}

/** The request's JSON body, or INVALID_REQUEST saying it is not JSON. */
export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown;
  } catch {
    throw new ShambaError('INVALID_REQUEST', 'the body is not JSON');
  }
}

/** The request's JSON body checked against a schema, or INVALID_REQUEST with what is wrong. */
export async function parseJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await jsonBody(c));
  if (!parsed.success) throw new ShambaError('INVALID_REQUEST', prettifyError(parsed.error));
  return parsed.data;
}
