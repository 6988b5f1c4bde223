import { ShambaError, type Coop, type Principal, type Role } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { requireRole } from './tenancy.js';

/**
 * `memberCoop(principal, coopId, roles)`: the cooperative `coopId`, for a principal of one of
 * `roles` who works for it (or an admin). The role is checked first (403, whatever the
 * cooperative); then someone else's cooperative and no cooperative look the same: NOT_FOUND, so
 * nothing confirms another tenant exists.
 */
export function coopAccess(registry: Registry) {
  return async (principal: Principal, coopId: string, roles: readonly Role[]): Promise<Coop> => {
    requireRole(principal, roles);
    const coop =
      principal.role === 'admin' || principal.coopId === coopId
        ? await registry.coops.get(coopId)
        : undefined;
    if (coop === undefined) throw new ShambaError('NOT_FOUND', `no cooperative ${coopId}`);
    return coop;
  };
}
