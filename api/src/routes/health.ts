import { Hono } from 'hono';

export type ComponentStatus = { status: 'up' | 'down'; detail?: Record<string, unknown> };
export type HealthCheck = () => Promise<Record<string, ComponentStatus>>;

/** Unauthenticated, and tells only up or down per component, so monitors need no token. */
export function healthRoutes(check: HealthCheck) {
  return new Hono().get('/', async (c) => {
    const components = await check();
    const up = Object.values(components).every((s) => s.status === 'up');
    return c.json({ status: up ? 'up' : 'degraded', components }, up ? 200 : 503);
  });
}
