import { Hono } from 'hono';
import { FarmerInputSchema, FarmerPatchSchema, ShambaError, type Farmer } from '@shamba/schemas';
import { changedFarmer, checkFarmer, newFarmer, withContactDefaults } from '@shamba/delivery';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { requireRole, staffCoop } from '../auth/tenancy.js';
import { limitBody, parseJsonBody } from '../http/body.js';

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
  return new Hono<AppEnv>()
    .get('/coops/:coopId/farmers', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const farmers = await registry.farmers.list(coopId);
      return c.json({ coopId, farmers: farmers.map(withContactDefaults) });
    })
    .post('/coops/:coopId/farmers', limitBody(MAX_BODY_BYTES), async (c) => {
      const principal = c.get('principal');
      const coopId = await staffCoop(registry, principal, c.req.param('coopId'));
      requireRole(principal, EDITORS);
      const input = await parseJsonBody(c, FarmerInputSchema);
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
    .get('/coops/:coopId/farmers/:farmerId', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const farmer = await ownFarmer(coopId, c.req.param('farmerId'));
      return c.json({ farmer: withContactDefaults(farmer) });
    })
    .patch('/coops/:coopId/farmers/:farmerId', limitBody(MAX_BODY_BYTES), async (c) => {
      const principal = c.get('principal');
      const coopId = await staffCoop(registry, principal, c.req.param('coopId'));
      requireRole(principal, EDITORS);
      const farmer = await ownFarmer(coopId, c.req.param('farmerId'));
      const patch = await parseJsonBody(c, FarmerPatchSchema);
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
      return c.json({ farmer: withContactDefaults(changed) });
    });
}
