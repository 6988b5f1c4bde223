import { createRoute, z } from '@hono/zod-openapi';
import { CoopSchema, IdSchema, ROLES, ShambaError, type Coop } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { coopAccess } from '../auth/coop-access.js';
import { requireRole } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import {
  COMMON_PROBLEMS,
  idParam,
  json,
  jsonBodyOf,
  openApiRoutes,
  problems,
} from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import { oneAtATime } from '../provisioning/one-at-a-time.js';

/** A cooperative is four short strings: 2 KiB is ample. */
const MAX_BODY_BYTES = 2048;

/**
 * An IANA time zone name (`Africa/Addis_Ababa`, `UTC`): the form the tz database names zones in,
 * and one this runtime's ICU knows (checked with Intl, which also gives its canonical spelling).
 * Offsets (`+03:00`) are refused: they know no daylight saving, and quiet hours and local days
 * are reckoned in the cooperative's zone.
 */
const TimeZoneSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone name')
  .refine((name) => canonicalTimeZone(name) !== undefined, 'not a time zone this box knows')
  .meta({
    description: 'IANA time zone name, e.g. `Africa/Addis_Ababa`.',
    example: 'Africa/Nairobi',
  });

function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const CoopInputSchema = z.object({
  id: IdSchema,
  name: CoopSchema.shape.name,
  /** Stored as the cooperative's `timezone`. */
  timeZone: TimeZoneSchema,
  countryCode: CoopSchema.shape.countryCode,
});
const CoopPatchSchema = CoopInputSchema.pick({ name: true, timeZone: true })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'change at least one of name, timeZone');

/** A cooperative as the API shows it: the stored `timezone` is `timeZone` here, as it is sent. */
const CoopViewSchema = z.object({
  id: IdSchema,
  name: z.string(),
  countryCode: z.string(),
  timeZone: z.string(),
});
const viewOf = (coop: Coop) => ({
  id: coop.id,
  name: coop.name,
  countryCode: coop.countryCode,
  timeZone: coop.timezone,
});
const OneCoop = z.object({ coop: CoopViewSchema });
const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const ListQuery = pageQuery({ defaultLimit: 100, maxLimit: 500 });
const TAGS = ['Cooperatives'];

const listCoops = createRoute({
  method: 'get',
  path: '/coops',
  tags: TAGS,
  summary: 'Cooperatives (admin: all; anyone else: their own)',
  request: { query: ListQuery },
  responses: {
    200: {
      description: 'A page of cooperatives, by id.',
      content: json(z.object({ coops: z.array(CoopViewSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

const addCoop = createRoute({
  method: 'post',
  path: '/coops',
  tags: TAGS,
  summary: 'Add a cooperative (admin)',
  description:
    '`timeZone` is checked against the tz database and stored in its canonical spelling. A ' +
    'taken id answers 409.',
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { body: jsonBodyOf(CoopInputSchema) },
  responses: {
    201: {
      description: 'Added; `Location` names it.',
      headers: z.object({ location: z.string() }),
      content: json(OneCoop),
    },
    ...COMMON_PROBLEMS,
    ...problems(409),
  },
});

const getCoop = createRoute({
  method: 'get',
  path: '/coops/{coopId}',
  tags: TAGS,
  summary: 'One cooperative (its own people, or an admin)',
  description: 'Another cooperative answers 404, exactly like one that does not exist.',
  request: { params: CoopPath },
  responses: {
    200: { description: 'The cooperative.', content: json(OneCoop) },
    ...COMMON_PROBLEMS,
  },
});

const changeCoop = createRoute({
  method: 'patch',
  path: '/coops/{coopId}',
  tags: TAGS,
  summary: "Rename a cooperative or change its time zone (admin, or the cooperative's manager)",
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: CoopPath, body: jsonBodyOf(CoopPatchSchema) },
  responses: {
    200: { description: 'The changed cooperative.', content: json(OneCoop) },
    ...COMMON_PROBLEMS,
  },
});

/** Cooperatives: the tenants. Admins add them; a cooperative's manager renames their own. */
export function coopRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  const memberCoop = coopAccess(registry);
  return openApiRoutes<AppEnv>()
    .openapi(listCoops, async (c) => {
      const principal = c.get('principal');
      const query = c.req.valid('query');
      const all = await registry.coops.list();
      const visible =
        principal.role === 'admin' ? all : all.filter((coop) => coop.id === principal.coopId);
      const page = pageOf(visible, (coop) => [coop.id], query);
      return c.json({ coops: page.items.map(viewOf), next: page.next }, 200);
    })
    .openapi(addCoop, async (c) => {
      requireRole(c.get('principal'), ['admin']);
      const input = c.req.valid('json');
      const coop = CoopSchema.parse({
        id: input.id,
        name: input.name,
        countryCode: input.countryCode,
        timezone: canonicalTimeZone(input.timeZone),
      });
      await oneAtATime(async () => {
        if ((await registry.coops.get(input.id)) !== undefined)
          throw new ShambaError('CONFLICT', `the cooperative id ${input.id} is taken`);
        await registry.coops.upsert(coop);
      });
      c.header('location', `/v1/coops/${coop.id}`);
      return c.json({ coop: viewOf(coop) }, 201);
    })
    .openapi(getCoop, async (c) => {
      const coop = await memberCoop(c.get('principal'), c.req.valid('param').coopId, ROLES);
      return c.json({ coop: viewOf(coop) }, 200);
    })
    .openapi(changeCoop, async (c) => {
      const principal = c.get('principal');
      const coop = await memberCoop(principal, c.req.valid('param').coopId, ['admin', 'manager']);
      const patch = c.req.valid('json');
      const changed: Coop = {
        ...coop,
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.timeZone === undefined
          ? {}
          : { timezone: canonicalTimeZone(patch.timeZone) ?? patch.timeZone }),
      };
      await registry.coops.upsert(changed);
      return c.json({ coop: viewOf(changed) }, 200);
    });
}
