import type { Field, Principal, Role } from '@shamba/schemas';
import type { FieldFilter, Registry } from '@shamba/storage';
import { ShambaError } from '@shamba/schemas';

/** Tenancy (ARCHITECTURE.md): a farmer sees only their own fields, everyone else only their cooperative. */
export function fieldFilterFor(principal: Principal): FieldFilter {
  if (principal.role === 'admin') return {};
  if (principal.role === 'farmer') return { farmerId: principal.farmerId ?? '\0none' };
  return { coopId: principal.coopId ?? '\0none' };
}

export function canSeeField(principal: Principal, field: Field): boolean {
  const filter = fieldFilterFor(principal);
  return (
    (filter.coopId === undefined || filter.coopId === field.coopId) &&
    (filter.farmerId === undefined || filter.farmerId === field.farmerId)
  );
}

export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new ShambaError('NOT_AUTHORIZED', `this needs one of the roles: ${roles.join(', ')}`);
  }
}

/** Staff: who may act for a cooperative (a narrower route calls `requireRole` first). */
export const STAFF_ROLES: readonly Role[] = ['admin', 'manager', 'agronomist'];

/**
 * A cooperative the principal works for (its staff, or an admin). Someone else's cooperative and
 * no cooperative look the same: NOT_FOUND.
 */
export async function staffCoop(
  registry: Registry,
  principal: Principal,
  coopId: string,
): Promise<string> {
  requireRole(principal, STAFF_ROLES);
  if (
    (principal.role !== 'admin' && principal.coopId !== coopId) ||
    (await registry.coops.get(coopId)) === undefined
  )
    throw new ShambaError('NOT_FOUND', `no cooperative ${coopId}`);
  return coopId;
}
