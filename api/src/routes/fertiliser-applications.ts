import { createRoute, z } from '@hono/zod-openapi';
import {
  FertiliserApplicationInputSchema,
  FertiliserApplicationSchema,
  ShambaError,
  type FertiliserApplicationInput,
} from '@shamba/schemas';
import { N_PRODUCTS, addDays, appliedNKgHa, isNProduct } from '@shamba/agronomy';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, STAFF_ROLES } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { COMMON_PROBLEMS, idParam, json, jsonBodyOf, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import { visibleFieldIn } from './visible-field.js';

/** One application is a handful of short fields: 2 KiB with a note of 500 characters. */
const MAX_BODY_BYTES = 2048;

/**
 * More N than this in one application is a mistake (kg per plot, or per bag, given as per
 * hectare): no cereal takes up more than about 300 kg N/ha in a whole season (FAO Fertilizer
 * and Plant Nutrition Bulletin 16).
 */
export const MAX_APPLICATION_N_KG_HA = 400;

/** A date a day past the box's UTC date is someone's local today east of Greenwich: allowed. */
const DAY_MS = 86_400_000;

/**
 * Applications a field may have in any 365 days. A crop gets N in a few splits (basal and one
 * to three top-dressings; FAO Bulletin 16), a vegetable plot fertigated weekly about 50: 100 is
 * past any real schedule, and keeps a field's record, read by every nitrogen pass, small.
 */
export const MAX_APPLICATIONS_PER_YEAR = 100;
const YEAR_DAYS = 365;

/**
 * How far back an application may be dated: N left unused is lost to leaching and
 * denitrification within a season or two, so older records change no advice; with the yearly
 * cap, a field's record holds at most a few hundred.
 */
export const MAX_APPLICATION_AGE_DAYS = 5 * YEAR_DAYS;

/**
 * Applications per page: a field holds at most a few hundred (MAX_APPLICATIONS_PER_YEAR over
 * MAX_APPLICATION_AGE_DAYS), so the default page is a typical field's whole record.
 */
const APPLICATIONS_PAGE = { defaultLimit: 100, maxLimit: 500 };

const FieldPath = z.object({ fieldId: idParam('The field.') });
const TAGS = ['Fertiliser'];

const listApplications = createRoute({
  method: 'get',
  path: '/{fieldId}/fertiliser-applications',
  tags: TAGS,
  summary: "The field's fertiliser applications (its farmer and its cooperative's staff)",
  description: 'By date, oldest first (one date: in the order recorded).',
  request: { params: FieldPath, query: pageQuery(APPLICATIONS_PAGE) },
  responses: {
    200: {
      description: 'A page of applications.',
      content: json(
        z.object({
          fieldId: z.string(),
          applications: z.array(FertiliserApplicationSchema),
          next: NextSchema,
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const addApplication = createRoute({
  method: 'post',
  path: '/{fieldId}/fertiliser-applications',
  tags: TAGS,
  summary: "Record a fertiliser application (the cooperative's staff)",
  description:
    `At most ${MAX_APPLICATION_N_KG_HA} kg N/ha in one, ${MAX_APPLICATIONS_PER_YEAR} in any 365 ` +
    `days, none dated in the future or more than ${MAX_APPLICATION_AGE_DAYS / YEAR_DAYS} years ` +
    "ago. The field's prescriptions are made again in the background (`recompute: pending`).",
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: FieldPath, body: jsonBodyOf(FertiliserApplicationInputSchema) },
  responses: {
    201: {
      description: 'Recorded.',
      content: json(
        z.object({
          application: FertiliserApplicationSchema,
          recompute: z.enum(['pending', 'none']).meta({
            description: '`pending` when analytics run and will make the prescriptions again.',
          }),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

/**
 * A field's fertiliser applications: its cooperative's agronomists and managers (and admins)
 * record them, and they and the field's farmer read them. Recording one marks the field's
 * prescriptions stale: a background pass makes them again, so its nitrogen counts what was
 * applied (a burst of applications shares one pass; the request never waits for it).
 */
export function fertiliserApplicationRoutes(deps: {
  registry: Registry;
  /** The prescription service, when analytics run (see AppOptions.prescriptions). */
  prescriptions?: { markStale(fieldId: string, reason: string): void } | undefined;
  clock: () => number;
}) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return openApiRoutes<AppEnv>()
    .openapi(listApplications, async (c) => {
      const principal = c.get('principal');
      requireRole(principal, [...STAFF_ROLES, 'farmer']);
      const field = await visibleField(principal, c.req.valid('param').fieldId);
      const applications = await registry.fertiliserApplications.list(field.id);
      // The registry's order: by date, then by its number (the order recorded).
      const page = pageOf(applications, (a) => [a.date, a.id], c.req.valid('query'));
      return c.json({ fieldId: field.id, applications: page.items, next: page.next }, 200);
    })
    .openapi(addApplication, async (c) => {
      const principal = c.get('principal');
      requireRole(principal, STAFF_ROLES);
      const field = await visibleField(principal, c.req.valid('param').fieldId);
      const input = c.req.valid('json');
      const nowMs = deps.clock();
      const nKgHa = checkedN(input, nowMs);
      await checkRoomFor(registry, { fieldId: field.id, date: input.date, nowMs });
      const application = await registry.fertiliserApplications.add({
        ...input,
        fieldId: field.id,
        coopId: field.coopId,
        nKgHa,
        recordedBy: { name: principal.name, role: principal.role },
        recordedAtMs: deps.clock(),
      });
      // Kept whatever happens next: the recompute runs in the background (a failure is logged by
      // the service, and the periodic pass catches up).
      deps.prescriptions?.markStale(field.id, 'fertiliser application recorded');
      const recompute = deps.prescriptions ? ('pending' as const) : ('none' as const);
      return c.json({ application, recompute }, 201);
    });
}

/**
 * Refuses an application dated too long ago, or one more for a field that has
 * MAX_APPLICATIONS_PER_YEAR within 365 days either side of its date (so that no 365 days hold
 * more than the cap).
 */
async function checkRoomFor(
  registry: Registry,
  { fieldId, date, nowMs }: { fieldId: string; date: string; nowMs: number },
): Promise<void> {
  const earliest = isoDate(nowMs - MAX_APPLICATION_AGE_DAYS * DAY_MS);
  if (date < earliest)
    throw new ShambaError(
      'INVALID_REQUEST',
      `date ${date} is more than ${MAX_APPLICATION_AGE_DAYS / YEAR_DAYS} years ago (earliest ${earliest}): it counts for no advice now`,
    );
  const near = await registry.fertiliserApplications.count(fieldId, {
    fromDate: addDays(date, -(YEAR_DAYS - 1)),
    toDate: addDays(date, YEAR_DAYS - 1),
  });
  if (near >= MAX_APPLICATIONS_PER_YEAR)
    throw new ShambaError(
      'INVALID_REQUEST',
      `field ${fieldId} already has ${near} applications within a year of ${date}; at most ${MAX_APPLICATIONS_PER_YEAR} in any 365 days: nothing was recorded (several on one day? record their sum)`,
    );
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The application's N, once its product, date and size make sense; else INVALID_REQUEST. */
function checkedN(input: FertiliserApplicationInput, nowMs: number): number {
  if (input.unit === 'kg-product-ha' && !isNProduct(input.product))
    throw new ShambaError(
      'INVALID_REQUEST',
      `unknown product ${input.product}: one of ${Object.keys(N_PRODUCTS).join(', ')}, or give the amount in kg-n-ha`,
    );
  const latest = isoDate(nowMs + DAY_MS);
  if (input.date > latest)
    throw new ShambaError('INVALID_REQUEST', `date ${input.date} is in the future`);
  const nKgHa = appliedNKgHa(input);
  // Recorded to 0.1 kg N/ha: less is no application (and a flood of them is no record).
  if (!(nKgHa > 0))
    throw new ShambaError(
      'INVALID_REQUEST',
      `${input.amount} ${input.unit} of ${input.product} is ${nKgHa} kg N/ha: at least 0.1 kg N/ha is recorded`,
    );
  if (nKgHa > MAX_APPLICATION_N_KG_HA)
    throw new ShambaError(
      'INVALID_REQUEST',
      `${nKgHa} kg N/ha in one application is more than ${MAX_APPLICATION_N_KG_HA}: give the amount per hectare`,
    );
  return nKgHa;
}
