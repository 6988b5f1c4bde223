import { Hono } from 'hono';
import { z } from 'zod';
import { ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';

const Query = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** Rejected device messages with their reasons, for technicians and managers. */
export function deadLetterRoutes(deps: { registry: Registry }) {
  return new Hono<AppEnv>().get('/', async (c) => {
    const principal = c.get('principal');
    requireRole(principal, ['admin', 'manager', 'technician', 'agronomist']);
    const query = Query.safeParse(c.req.query());
    if (!query.success) throw new ShambaError('INVALID_REQUEST', z.prettifyError(query.error));
    const letters = await deps.registry.deadLetters.list({
      limit: query.data.limit,
      ...(principal.role === 'admin' ? {} : { coopId: principal.coopId ?? '\0none' }),
    });
    return c.json({
      deadLetters: letters.map(({ payload, ...letter }) => ({
        ...letter,
        received: new Date(letter.receivedMs).toISOString(),
        payloadBase64: Buffer.from(payload).toString('base64'),
      })),
    });
  });
}
