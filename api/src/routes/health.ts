import { createRoute, z } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { json, openApiRoutes } from '../http/openapi.js';

export type ComponentStatus = { status: 'up' | 'down'; detail?: Record<string, unknown> };
export type HealthCheck = () => Promise<Record<string, ComponentStatus>>;

const ComponentStatusSchema = z.object({
  status: z.enum(['up', 'down']),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(['up', 'degraded']),
    components: z.record(z.string(), ComponentStatusSchema),
  })
  .meta({
    id: 'Health',
    description: "Each component's state (broker, store, worker...): up or down, and why.",
  });

const getHealth = createRoute({
  method: 'get',
  path: '/',
  tags: ['Health'],
  summary: 'Whether the box is up (anyone: no token)',
  description:
    'Tells only up or down per component, so monitors need no token; 503 while a component ' +
    'is down.',
  // No bearer token: a monitor (or a load balancer) asks without one.
  security: [],
  responses: {
    200: { description: 'Every component is up.', content: json(HealthSchema) },
    503: { description: 'A component is down (`status: degraded`).', content: json(HealthSchema) },
  },
});

/** Unauthenticated, and tells only up or down per component, so monitors need no token. */
export function healthRoutes(check: HealthCheck) {
  return openApiRoutes<Env>().openapi(getHealth, async (c) => {
    const components = await check();
    const up = Object.values(components).every((s) => s.status === 'up');
    return up
      ? c.json({ status: 'up' as const, components }, 200)
      : c.json({ status: 'degraded' as const, components }, 503);
  });
}
