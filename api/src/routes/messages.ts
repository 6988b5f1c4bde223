import { createRoute, z } from '@hono/zod-openapi';
import {
  InboundMessageSchema,
  OutboxMessageSchema,
  ShambaError,
  type InboundMessage,
  type OutboxMessage,
} from '@shamba/schemas';
import {
  DEFAULT_LIMITS,
  DELIVERY_STATUSES,
  startOfLocalMonth,
  type DispatcherLimits,
} from '@shamba/delivery';
import type { MessageKey, Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { staffCoop, requireRole } from '../auth/tenancy.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';
import { NextSchema, cursorOf, keyOfCursor, pageQuery } from '../http/pagination.js';
import { DELIVERY_ROLES, prescriptionDelivery } from './prescription-delivery.js';
import { visibleFieldIn } from './visible-field.js';

/** What the API knows of the farmer's channel (the delivery service, when it runs). */
export interface DeliveryInfo {
  /** `outbox` when nothing is sent, else the gateway's name (`smpp`, `http`). */
  gatewayName: string;
  limits: DispatcherLimits;
}

const OUTBOX_ONLY: DeliveryInfo = { gatewayName: 'outbox', limits: DEFAULT_LIMITS };

/** A page of the outbox or the replies: 100 unless `limit` says, at most the registry's 500. */
const MESSAGES_PAGE = { defaultLimit: 100, maxLimit: 499 };

/**
 * Newest first, one millisecond's by id, read a page at a time from the registry: the cursor is
 * the last message's (time, id), and one more than the page says whether there is a next.
 */
async function messagePage<T extends { id: string }>(
  query: { limit: number; cursor?: string | undefined },
  timeOf: (item: T) => number,
  read: (page: { limit: number; after?: MessageKey }) => Promise<T[]>,
): Promise<{ items: T[]; next: string | null }> {
  let after: MessageKey | undefined;
  if (query.cursor !== undefined) {
    const [timeMs, id] = keyOfCursor(query.cursor);
    if (typeof timeMs !== 'number' || typeof id !== 'string')
      throw new ShambaError('INVALID_REQUEST', 'cursor: not a cursor this API gave');
    after = { timeMs, id };
  }
  const rows = await read({ limit: query.limit + 1, ...(after === undefined ? {} : { after }) });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    next:
      rows.length > query.limit && last !== undefined ? cursorOf([timeOf(last), last.id]) : null,
  };
}

const CoopPath = z.object({ coopId: idParam('The cooperative.') });
const TAGS = ['Messages'];

const listMessages = createRoute({
  method: 'get',
  path: '/coops/{coopId}/messages',
  tags: TAGS,
  summary: "The cooperative's outbox, and this month's spend against the budget (staff)",
  description:
    'Every message to a farmer (what it said, its state, its cost in segments), newest first: ' +
    "a page at a time. The month is the cooperative's local month.",
  request: {
    params: CoopPath,
    query: z.object({
      farmerId: z.string().max(128).optional().meta({ description: "Only this farmer's." }),
      fieldId: z.string().max(128).optional().meta({ description: 'Only about this field.' }),
      ...pageQuery(MESSAGES_PAGE).shape,
    }),
  },
  responses: {
    200: {
      description: 'The month so far and a page of messages.',
      content: json(
        z.object({
          coopId: z.string(),
          gateway: z.string().meta({ description: '`outbox` when nothing is sent.' }),
          month: z.object({
            startMs: z.number().int(),
            messages: z.number().int(),
            segments: z.number().int(),
            budgetSegments: z.number().nullable().meta({ description: 'Null: no budget.' }),
            budgetSpent: z.boolean().meta({
              description: 'Messages are held until the month ends or the budget grows.',
            }),
          }),
          messages: z.array(OutboxMessageSchema),
          next: NextSchema,
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const listReplies = createRoute({
  method: 'get',
  path: '/coops/{coopId}/replies',
  tags: TAGS,
  summary: "What the cooperative's farmers sent in, and what came of it (staff)",
  description: 'Newest first, a page at a time.',
  request: { params: CoopPath, query: pageQuery(MESSAGES_PAGE) },
  responses: {
    200: {
      description: 'A page of replies.',
      content: json(
        z.object({
          coopId: z.string(),
          replies: z.array(InboundMessageSchema),
          next: NextSchema,
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

const deliveryOf = createRoute({
  method: 'get',
  path: '/fields/{fieldId}/prescriptions/{prescriptionId}/delivery',
  tags: TAGS,
  summary: "A prescription's way to the farmer (the field's farmer and its cooperative's staff)",
  description: "Another field's prescription answers 404, as one that does not exist.",
  request: {
    params: z.object({
      fieldId: idParam('The field.'),
      prescriptionId: idParam('The prescription version.'),
    }),
  },
  responses: {
    200: {
      description: 'The furthest status its messages reached, and each message.',
      content: json(
        z.object({
          prescriptionId: z.string(),
          status: z.enum([...DELIVERY_STATUSES, 'failed', 'held']),
          messages: z.array(
            OutboxMessageSchema.pick({
              id: true,
              farmerId: true,
              channel: true,
              state: true,
              segments: true,
              sentMs: true,
              deliveredMs: true,
              error: true,
            }).extend({
              acknowledgedMs: z.number().int().nullable(),
              appliedMs: z.number().int().nullable(),
            }),
          ),
        }),
      ),
    },
    ...COMMON_PROBLEMS,
  },
});

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
  return openApiRoutes<AppEnv>()
    .openapi(listMessages, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      const { farmerId, fieldId, ...page } = c.req.valid('query');
      const coop = await registry.coops.get(coopId);
      const monthStart = startOfLocalMonth(deps.clock(), coop?.timezone ?? 'UTC');
      const [{ items, next }, spent] = await Promise.all([
        messagePage<OutboxMessage>(
          page,
          (m) => m.createdMs,
          (read) =>
            registry.messages.list({
              coopId,
              ...(farmerId === undefined ? {} : { farmerId }),
              ...(fieldId === undefined ? {} : { fieldId }),
              ...read,
            }),
        ),
        registry.messages.usage({ coopId, sinceMs: monthStart }),
      ]);
      const budget = delivery.limits.segmentsPerMonth;
      return c.json(
        {
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
          messages: items,
          next,
        },
        200,
      );
    })
    .openapi(listReplies, async (c) => {
      const coopId = await staffCoop(registry, c.get('principal'), c.req.valid('param').coopId);
      const { items, next } = await messagePage<InboundMessage>(
        c.req.valid('query'),
        (m) => m.receivedMs,
        (read) => registry.inbound.list({ coopId, ...read }),
      );
      return c.json({ coopId, replies: items, next }, 200);
    })
    .openapi(deliveryOf, async (c) => {
      const principal = c.get('principal');
      requireRole(principal, DELIVERY_ROLES);
      const { fieldId, prescriptionId } = c.req.valid('param');
      const field = await visibleField(principal, fieldId);
      const prescription = await registry.prescriptions.get(prescriptionId);
      if (prescription === undefined)
        throw new ShambaError('NOT_FOUND', `no prescription ${prescriptionId}`);
      return c.json(await prescriptionDelivery(registry, field, prescription), 200);
    });
}
