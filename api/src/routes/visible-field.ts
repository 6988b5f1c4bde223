import { ShambaError, type Field } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import type { AppEnv } from '../auth/bearer-auth.js';
import { canSeeField } from '../auth/tenancy.js';

/** The field if the principal may see it; otherwise NOT_FOUND, so ids cannot be probed across cooperatives. */
export function visibleFieldIn(registry: Registry) {
  return async (principal: AppEnv['Variables']['principal'], id: string): Promise<Field> => {
    const field = await registry.fields.get(id);
    // Not yours and not there look the same.
    if (field === undefined || !canSeeField(principal, field))
      throw new ShambaError('NOT_FOUND', `no field ${id}`);
    return field;
  };
}
