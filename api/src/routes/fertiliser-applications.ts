import { Hono } from 'hono';
import {
  FertiliserApplicationInputSchema,
  ShambaError,
  type FertiliserApplicationInput,
} from '@shamba/schemas';
import { N_PRODUCTS, appliedNKgHa, isNProduct } from '@shamba/agronomy';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, STAFF_ROLES } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';
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
 * A field's fertiliser applications: its cooperative's agronomists and managers (and admins)
 * record them, and they and the field's farmer read them. Recording one recomputes the field's
 * prescriptions, so its nitrogen counts what was applied.
 */
export function fertiliserApplicationRoutes(deps: {
  registry: Registry;
  /** The prescription service, when analytics run (see AppOptions.prescriptions). */
  prescriptions?: { recompute(fieldId: string, reason: string): Promise<unknown> } | undefined;
  clock: () => number;
}) {
  const { registry } = deps;
  const visibleField = visibleFieldIn(registry);
  return new Hono<AppEnv>()
    .get('/:fieldId/fertiliser-applications', async (c) => {
      const principal = c.get('principal');
      requireRole(principal, [...STAFF_ROLES, 'farmer']);
      const field = await visibleField(principal, c.req.param('fieldId'));
      const applications = await registry.fertiliserApplications.list(field.id);
      return c.json({ fieldId: field.id, applications });
    })
    .post('/:fieldId/fertiliser-applications', limitBody(MAX_BODY_BYTES), async (c) => {
      const principal = c.get('principal');
      requireRole(principal, STAFF_ROLES);
      const field = await visibleField(principal, c.req.param('fieldId'));
      const input = await parseJsonBody(c, FertiliserApplicationInputSchema);
      const nKgHa = checkedN(input, deps.clock());
      const application = await registry.fertiliserApplications.add({
        ...input,
        fieldId: field.id,
        coopId: field.coopId,
        nKgHa,
        recordedBy: { name: principal.name, role: principal.role },
        recordedAtMs: deps.clock(),
      });
      // The application is kept whatever happens next; the periodic pass catches up if this fails.
      const recomputed =
        deps.prescriptions === undefined
          ? false
          : await deps.prescriptions
              .recompute(field.id, 'fertiliser application recorded')
              .then(() => true)
              .catch(() => false);
      return c.json({ application, recomputed }, 201);
    });
}

/** The application's N, once its product, date and size make sense; else INVALID_REQUEST. */
function checkedN(input: FertiliserApplicationInput, nowMs: number): number {
  if (input.unit === 'kg-product-ha' && !isNProduct(input.product))
    throw new ShambaError(
      'INVALID_REQUEST',
      `unknown product ${input.product}: one of ${Object.keys(N_PRODUCTS).join(', ')}, or give the amount in kg-n-ha`,
    );
  const latest = new Date(nowMs + DAY_MS).toISOString().slice(0, 10);
  if (input.date > latest)
    throw new ShambaError('INVALID_REQUEST', `date ${input.date} is in the future`);
  const nKgHa = appliedNKgHa(input);
  if (nKgHa > MAX_APPLICATION_N_KG_HA)
    throw new ShambaError(
      'INVALID_REQUEST',
      `${nKgHa} kg N/ha in one application is more than ${MAX_APPLICATION_N_KG_HA}: give the amount per hectare`,
    );
  return nKgHa;
}
