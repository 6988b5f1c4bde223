import { ShambaError, type Principal, type Role } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { requireRole, STAFF_ROLES } from '../auth/tenancy.js';

/**
 * The cooperative a request acts for: the one it names, else the caller's own; an admin naming
 * none acts for no cooperative (null: the shared models, or a page's choice of cooperative).
 * A role outside `roles` is NOT_AUTHORIZED; a cooperative not the caller's (an admin's: one that
 * does not exist), or none, is NOT_FOUND, as `staffCoop` has it, for any of `roles` (a
 * technician included, where a page admits them). Bound to the registry like `visibleFieldIn`.
 */
export const actingCoopIn =
  (registry: Registry) =>
  async (
    principal: Principal,
    named: string | undefined,
    roles: readonly Role[] = STAFF_ROLES,
  ): Promise<string | null> => {
    requireRole(principal, roles);
    if (named === undefined && principal.role === 'admin') return null;
    const coopId = named ?? principal.coopId ?? '';
    if (
      (principal.role !== 'admin' && principal.coopId !== coopId) ||
      (await registry.coops.get(coopId)) === undefined
    )
      throw new ShambaError('NOT_FOUND', `no cooperative ${coopId}`);
    return coopId;
  };
