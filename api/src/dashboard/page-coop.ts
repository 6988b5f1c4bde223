import type { Role } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { STAFF_ROLES } from '../auth/tenancy.js';
import { actingCoopIn } from '../routes/acting-coop.js';
import type { DashboardContext } from './dashboard-env.js';

/**
 * The cooperative a page is about, by the API's rule (`actingCoopIn`): the signed-in staff
 * member's own; an admin names one (`named`: the form's `coop`, else `?coop=`), else gets the
 * list to choose from (null; an empty name is none). Another cooperative's, or none, is
 * NOT_FOUND; a role outside `scope.roles` (default: staff) is NOT_AUTHORIZED. `scope` is the
 * page's deps, or the registry with the roles a page admits.
 */
export async function pageCoop(
  c: DashboardContext,
  scope: { registry: Registry; roles?: readonly Role[] },
  named?: string,
): Promise<string | null> {
  const principal = c.get('principal');
  const asked = named ?? c.req.query('coop');
  // An admin's empty choice (`?coop=`) is no choice; anyone else's names no cooperative.
  const choice = principal.role === 'admin' && asked === '' ? undefined : asked;
  return actingCoopIn(scope.registry)(principal, choice, scope.roles ?? STAFF_ROLES);
}
