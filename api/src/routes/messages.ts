import { Hono } from 'hono';
import { ShambaError } from '@shamba/schemas';
import { DEFAULT_LIMITS, startOfLocalMonth, type DispatcherLimits } from '@shamba/delivery';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { staffCoop, requireRole } from '../auth/tenancy.js';
import { DELIVERY_ROLES, prescriptionDelivery } from './prescription-delivery.js';
import { visibleFieldIn } from './visible-field.js';

/** What the API knows of the farmer's channel (the delivery service, when it runs). */
export interface DeliveryInfo {
  /** `outbox` when nothing is sent, else the gateway's name (`smpp`, `http`). */
  gatewayName: string;
  limits: DispatcherLimits;
}

const OUTBOX_ONLY: DeliveryInfo = { gatewayName: 'outbox', limits: DEFAULT_LIMITS };

function limitOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) {
    throw new ShambaError('INVALID_REQUEST', 'limit is a whole number from 1 to 500');
  }
  return n;
}

/**
 * The outbox and the replies, for the cooperative's staff: every message to a farmer (what it
 * said, its state, its cost in segments) and this month's spend against the budget; what farmers
 * sent in; and each prescription's delivery status.
 */
export function messageRoutes(deps: {
  registry: Registry;
  delivery?: DeliveryInfo;
  clock: () => number;
}) {
  const { registry } = deps;
  const delivery = deps.delivery ?? OUTBOX_ONLY;
  const visibleField = visibleFieldIn(registry);
  return new Hono<AppEnv>()
    .get('/coops/:coopId/messages', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const farmerId = c.req.query('farmerId');
      const fieldId = c.req.query('fieldId');
      const limit = limitOf(c.req.query('limit'));
      const coop = await registry.coops.get(coopId);
      const monthStart = startOfLocalMonth(deps.clock(), coop?.timezone ?? 'UTC');
      const [messages, spent] = await Promise.all([
        registry.messages.list({
          coopId,
          ...(farmerId === undefined ? {} : { farmerId }),
          ...(fieldId === undefined ? {} : { fieldId }),
          ...(limit === undefined ? {} : { limit }),
        }),
        registry.messages.usage({ coopId, sinceMs: monthStart }),
      ]);
      const budget = delivery.limits.segmentsPerMonth;
      return c.json({
        coopId,
        gateway: delivery.gatewayName,
        month: {
          startMs: monthStart,
          messages: spent.messages,
          segments: spent.segments,
          budgetSegments: Number.isFinite(budget) ? budget : null,
          // The manager's alert: messages are held until the month ends or the budget grows.
          budgetSpent: spent.segments >= budget,
        },
        messages,
      });
    })
    .get('/coops/:coopId/replies', async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.param('coopId'));
      const limit = limitOf(c.req.query('limit'));
      const replies = await registry.inbound.list({
        coopId,
        ...(limit === undefined ? {} : { limit }),
      });
      return c.json({ coopId, replies });
    })
    .get('/fields/:fieldId/prescriptions/:prescriptionId/delivery', async (c) => {
      const principal = c.get('principal');
      requireRole(principal, DELIVERY_ROLES);
      const field = await visibleField(principal, c.req.param('fieldId'));
      const prescription = await registry.prescriptions.get(c.req.param('prescriptionId'));
      if (prescription === undefined)
        throw new ShambaError('NOT_FOUND', `no prescription ${c.req.param('prescriptionId')}`);
      return c.json(await prescriptionDelivery(registry, field, prescription));
    });
}
