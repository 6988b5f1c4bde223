import { createRoute, z } from '@hono/zod-openapi';
import { ShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';
import { COMMON_PROBLEMS, json, openApiRoutes } from '../http/openapi.js';
import { cursorOf, keyOfCursor, NextSchema, pageQuery } from '../http/pagination.js';

/**
 * A page holds at most 100 letters: each keeps at most 4 KiB of payload (under 6 KiB as
 * base64), so a page stays under a megabyte however large the messages were.
 */
export const MAX_DEAD_LETTERS_PER_PAGE = 100;

const Query = pageQuery({ defaultLimit: 50, maxLimit: MAX_DEAD_LETTERS_PER_PAGE }).extend({
  deviceId: z.string().min(1).max(128).optional().meta({ description: "Only this device's." }),
});

const DeadLetterSchema = z
  .object({
    id: z.number().int(),
    receivedMs: z.number(),
    received: z.iso.datetime(),
    /** When the newest of the folded repeats arrived. */
    lastMs: z.number(),
    last: z.iso.datetime(),
    deviceId: z.string().nullable(),
    coopId: z.string().nullable(),
    topic: z.string(),
    code: z.string().meta({ description: 'The ShambaError code, e.g. INVALID_PAYLOAD.' }),
    reason: z
      .string()
      .meta({ description: 'At most 500 characters; a longer one is cut, and says so.' }),
    payloadBase64: z.string().meta({ description: "The message's first 4 KiB, base64." }),
    payloadBytes: z.number().int().meta({ description: "The message's whole size, bytes." }),
    count: z
      .number()
      .int()
      .meta({ description: 'How many messages this row stands for (folded repeats).' }),
  })
  .meta({ id: 'DeadLetter', description: 'A refused device message and why it was refused.' });

const listDeadLetters = createRoute({
  method: 'get',
  path: '/',
  tags: ['Dead letters'],
  summary: 'Refused device messages with their reasons, newest first (staff, technicians)',
  description: "Your cooperative's only (an admin's: all). Farmers may not list them.",
  request: { query: Query },
  responses: {
    200: {
      description: 'A page of letters, newest first.',
      content: json(z.object({ deadLetters: z.array(DeadLetterSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

/** The letter id a cursor names (the last of the previous page): the store pages by id. */
function idOfCursor(cursor: string): number {
  const [id, ...rest] = keyOfCursor(cursor);
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || rest.length > 0)
    throw new ShambaError('INVALID_REQUEST', 'cursor: not a cursor this API gave');
  return id;
}

/** Rejected device messages with their reasons, for technicians and managers, newest first. */
export function deadLetterRoutes(deps: { registry: Registry }) {
  return openApiRoutes<AppEnv>().openapi(listDeadLetters, async (c) => {
    const principal = c.get('principal');
    requireRole(principal, ['admin', 'manager', 'technician', 'agronomist']);
    const { limit, cursor, deviceId } = c.req.valid('query');
    // One more than the page, to know whether another follows.
    const letters = await deps.registry.deadLetters.list({
      limit: limit + 1,
      ...(cursor === undefined ? {} : { beforeId: idOfCursor(cursor) }),
      ...(deviceId === undefined ? {} : { deviceId }),
      ...(principal.role === 'admin' ? {} : { coopId: principal.coopId ?? '\0none' }),
    });
    const page = letters.slice(0, limit);
    return c.json(
      {
        deadLetters: page.map(({ payload, ...letter }) => ({
          ...letter,
          received: new Date(letter.receivedMs).toISOString(),
          last: new Date(letter.lastMs).toISOString(),
          payloadBase64: Buffer.from(payload).toString('base64'),
        })),
        next: letters.length > limit ? cursorOf([page.at(-1)!.id]) : null,
      },
      200,
    );
  });
}
