import { createRoute, z } from '@hono/zod-openapi';
import {
  FarmerInputSchema,
  FarmerPatchSchema,
  FarmerSchema,
  ShambaError,
  type Farmer,
} from '@shamba/schemas';
import { changedFarmer, checkFarmer, newFarmer, withContactDefaults } from '@shamba/delivery';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody } from '../http/body.js';
import { COMMON_PROBLEMS, idParam, json, jsonBodyOf, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';

/** A farmer is a handful of short fields: 4 KiB is ample. */
const MAX_BODY_BYTES = 4096;

/** The farmer's queued messages held back for later become due now (the dispatcher decides). */
async function releaseWaiting(registry: Registry, farmer: Farmer, nowMs: number) {
  const waiting = await registry.messages.list({ coopId: farmer.coopId, farmerId: farmer.id });
  for (const m of waiting) {
    if (m.state === 'queued' && m.notBeforeMs > nowMs) {
      await registry.messages.update(m.id, { notBeforeMs: nowMs });
    }
  }
}

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const FarmerPath = CoopPath.extend({ farmerId: idParam('The farmer.') });
const OneFarmer = z.object({ farmer: FarmerSchema });
const TAGS = ['Farmers'];

const listFarmers = createRoute({
  method: 'get',
  path: '/coops/{coopId}/farmers',
  tags: TAGS,
  summary: "The cooperative's farmers, by id, a page at a time (staff)",
  request: { params: CoopPath, query: pageQuery({ defaultLimit: 100, maxLimit: 500 }) },
  responses: {
    200: {
      description: 'A page of farmers, with the contact defaults written out.',
      content: json(
        z.object({ coopId: z.string(), farmers: z.array(FarmerSchema), next: NextSchema }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const addFarmer = createRoute({
  method: 'post',
  path: '/coops/{coopId}/farmers',
  tags: TAGS,
  summary: 'Add a farmer (manager)',
  description:
    'Consent is stamped with who recorded it and when. Farmer ids are one namespace across ' +
    'cooperatives: a taken id is refused without saying whose it is.',
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: CoopPath, body: jsonBodyOf(FarmerInputSchema) },
  responses: {
    201: {
      description: 'Added; `Location` names it.',
      headers: z.object({ location: z.string() }),
      content: json(OneFarmer),
    },
    ...COMMON_PROBLEMS,
  },
});

const getFarmer = createRoute({
  method: 'get',
  path: '/coops/{coopId}/farmers/{farmerId}',
  tags: TAGS,
  summary: 'One farmer (staff)',
  request: { params: FarmerPath },
  responses: { 200: { description: 'The farmer.', content: json(OneFarmer) }, ...COMMON_PROBLEMS },
});

const changeFarmer = createRoute({
  method: 'patch',
  path: '/coops/{coopId}/farmers/{farmerId}',
  tags: TAGS,
  summary: 'Change a farmer (manager)',
  description: "New quiet hours or consent apply at once to the farmer's waiting messages.",
  middleware: [limitBody(MAX_BODY_BYTES)],
  request: { params: FarmerPath, body: jsonBodyOf(FarmerPatchSchema) },
  responses: {
    200: { description: 'The changed farmer.', content: json(OneFarmer) },
    ...COMMON_PROBLEMS,
  },
});

const eraseFarmer = createRoute({
  method: 'delete',
  path: '/coops/{coopId}/farmers/{farmerId}',
  tags: TAGS,
  summary: "Erase a farmer's personal data (manager)",
  description:
    'The farmer (name, phone, language, consent) is deleted; their fields, prescriptions and ' +
    'messages stay for the cooperative under a pseudonym, with phone numbers and message texts ' +
    'removed; their tokens are revoked. Recorded in the audit log. Cannot be undone.',
  request: { params: FarmerPath },
  responses: {
    200: {
      description: 'What was erased, and the pseudonym their records now carry.',
      content: json(
        z.object({
          erased: z.object({
            farmerId: z.string(),
            coopId: z.string(),
            pseudonym: z.string(),
            fields: z.number().int(),
            messages: z.number().int(),
            inbound: z.number().int(),
            tokensRevoked: z.number().int(),
          }),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

/** Who may add and change farmers: the cooperative's managers (and admins). */
const EDITORS = ['admin', 'manager'] as const;

/**
 * A cooperative's farmers: their phone, language, channel, quiet hours and consent. Staff read
 * them; managers add and change them. Another cooperative's farmer answers 404, as does one
 * that does not exist.
 */
export function farmerRoutes(deps: { registry: Registry; clock: () => number }) {
  const { registry } = deps;
  const ownFarmer = async (coopId: string, farmerId: string) => {
    const farmer = await registry.farmers.get(farmerId);
    if (farmer === undefined || farmer.coopId !== coopId) {
      throw new ShambaError('NOT_FOUND', `no farmer ${farmerId} in cooperative ${coopId}`);
    }
    return farmer;
  };
  return openApiRoutes<AppEnv>()
    .openapi(listFarmers, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      const page = pageOf(await registry.farmers.list(coopId), (f) => [f.id], c.req.valid('query'));
      return c.json({ coopId, farmers: page.items.map(withContactDefaults), next: page.next }, 200);
    })
    .openapi(addFarmer, async (c) => {
      const principal = c.get('principal');
      const coopId = await staffCoop(registry, principal, c.req.valid('param').coopId);
      requireRole(principal, EDITORS);
      const input = c.req.valid('json');
      // Farmer ids are one namespace across cooperatives: a taken id is refused without saying
      // whose it is.
      if ((await registry.farmers.get(input.id)) !== undefined) {
        throw new ShambaError(
          'INVALID_REQUEST',
          `the farmer id ${input.id} is taken: choose another`,
        );
      }
      const farmer = newFarmer({
        coopId,
        farmer: input,
        recorded: { by: `api:${principal.name}`, atMs: deps.clock() },
      });
      await checkFarmer(registry, farmer);
      await registry.farmers.upsert(farmer);
      c.header('location', `/v1/coops/${coopId}/farmers/${farmer.id}`);
      return c.json({ farmer: withContactDefaults(farmer) }, 201);
    })
    .openapi(getFarmer, async (c) => {
      const { coopId: asked, farmerId } = c.req.valid('param');
      const coopId = await staffCoop(registry, c.get('principal'), asked);
      const farmer = await ownFarmer(coopId, farmerId);
      return c.json({ farmer: withContactDefaults(farmer) }, 200);
    })
    .openapi(changeFarmer, async (c) => {
      const principal = c.get('principal');
      const { coopId: asked, farmerId } = c.req.valid('param');
      const coopId = await staffCoop(registry, principal, asked);
      requireRole(principal, EDITORS);
      const farmer = await ownFarmer(coopId, farmerId);
      const patch = c.req.valid('json');
      const changed = changedFarmer({
        farmer,
        patch,
        recorded: { by: `api:${principal.name}`, atMs: deps.clock() },
      });
      await checkFarmer(registry, changed);
      await registry.farmers.upsert(changed);
      // New quiet hours (or a new opt-in) apply to what is waiting: it goes at the next run,
      // which checks the new hours again.
      if (patch.quietHours !== undefined || patch.consent !== undefined) {
        await releaseWaiting(registry, changed, deps.clock());
      }
      return c.json({ farmer: withContactDefaults(changed) }, 200);
    })
    .openapi(eraseFarmer, async (c) => {
      const principal = c.get('principal');
      const { coopId: asked, farmerId } = c.req.valid('param');
      const coopId = await staffCoop(registry, principal, asked);
      requireRole(principal, EDITORS);
      await ownFarmer(coopId, farmerId);
      const erased = await registry.farmers.erase(farmerId, deps.clock());
      if (erased === undefined) throw new ShambaError('NOT_FOUND', `no farmer ${farmerId}`);
      return c.json({ erased }, 200);
    });
}
