import { createRoute, z } from '@hono/zod-openapi';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole } from '../auth/tenancy.js';
import { COMMON_PROBLEMS, json, openApiRoutes } from '../http/openapi.js';
import { MIN_FARMS_PER_CELL, programmeView } from '../programme/aggregates.js';

const CellSchema = z.object({
  countryCode: z.string(),
  crop: z.string(),
  farms: z.number().int().min(MIN_FARMS_PER_CELL),
  fields: z.number().int(),
  cooperatives: z.number().int(),
  areaHa: z.number(),
  irrigateShare: z.number().nullable(),
  meanGrossDepthMm: z.number().nullable(),
  meanNKgHa: z.number().nullable(),
});

const ProgrammeViewSchema = z
  .object({
    minFarmsPerCell: z.number().int(),
    cells: z.array(CellSchema),
    withheldCells: z.number().int(),
  })
  .meta({ id: 'ProgrammeView' });

const getProgramme = createRoute({
  method: 'get',
  path: '/programme',
  tags: ['Programme'],
  summary: 'Aggregates across cooperatives, by country and crop (admins)',
  description:
    `Each cell covers at least ${MIN_FARMS_PER_CELL} farms (distinct farmers); smaller cells are ` +
    'withheld, with a second one where a country would have exactly one withheld, and no ' +
    "totals are given: no single farm's data can be read or derived from the view.",
  responses: {
    200: { description: 'The view.', content: json(ProgrammeViewSchema) },
    ...COMMON_PROBLEMS,
  },
});

/** `GET /v1/programme`: what a national programme sees, never one farm. */
export function programmeRoutes(deps: { registry: Registry }) {
  const { registry } = deps;
  return openApiRoutes<AppEnv>().openapi(getProgramme, async (c) => {
    requireRole(c.get('principal'), ['admin']);
    const [coops, fields] = await Promise.all([registry.coops.list(), registry.fields.list()]);
    const facts = [];
    for (const field of fields)
      facts.push({ field, latest: await registry.prescriptions.latestByKind(field.id) });
    return c.json(programmeView(coops, facts), 200);
  });
}
