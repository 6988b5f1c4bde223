import { Hono } from 'hono';
import { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';

/**
 * A page holds at most 100 letters: each keeps at most 4 KiB of payload (under 6 KiB as
 * base64), so a page stays under a megabyte however large the messages were.
 */
export const MAX_DEAD_LETTERS_PER_PAGE = 100;

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_DEAD_LETTERS_PER_PAGE).default(50),
  /** The `next` of the previous page: letters older than it. */
  before: z.coerce.number().int().min(1).optional(),
  deviceId: z.string().min(1).max(128).optional(),
});

/** Rejected device messages with their reasons, for technicians and managers, newest first. */
export function deadLetterRoutes(deps: { registry: Registry }) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const principal = c.get('principal');
    requireRole(principal, ['admin', 'manager', 'technician', 'agronomist']);
    const query = Query.safeParse(c.req.query());
    if (!query.success) throw new ShambaError('INVALID_REQUEST', z.prettifyError(query.error));
    const { limit, before, deviceId } = query.data;
    const letters = await deps.registry.deadLetters.list({
      limit,
      ...(before === undefined ? {} : { beforeId: before }),
      ...(deviceId === undefined ? {} : { deviceId }),
      ...(principal.role === 'admin' ? {} : { coopId: principal.coopId ?? '\0none' }),
    });
    return c.json({
      deadLetters: letters.map(({ payload, ...letter }) => ({
        ...letter,
        received: new Date(letter.receivedMs).toISOString(),
        last: new Date(letter.lastMs).toISOString(),
        payloadBase64: Buffer.from(payload).toString('base64'),
      })),
      // Pass as `before` for the next page; null when this page is the last.
      next: letters.length === limit ? letters.at(-1)!.id : null,
    });
  });
}
