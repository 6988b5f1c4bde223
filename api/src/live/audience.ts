import { ShambaError, type Principal } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { staffCoop } from '../auth/tenancy.js';
import type { LiveEvent } from './coop-poller.js';

/** Which of a cooperative's events a principal may receive. */
export type Audience = (event: LiveEvent) => boolean;

/**
 * Staff (technicians too: the devices page is theirs) get everything of their cooperative; a
 * farmer their own fields' readings, prescriptions and silent devices, never the dead letters
 * (raw device messages are the technicians' to read). Anyone else's cooperative: NOT_FOUND.
 * A farmer's fields are read when this is called: a stream calls it again as it goes (see
 * routes/events.ts), so a field reassigned to someone else stops reaching them.
 */
export async function audienceOf(
  registry: Registry,
  principal: Principal,
  coopId: string,
): Promise<Audience> {
  if (principal.role !== 'farmer' && principal.role !== 'technician') {
    await staffCoop(registry, principal, coopId);
    return () => true;
  }
  if (principal.coopId !== coopId || (await registry.coops.get(coopId)) === undefined)
    throw new ShambaError('NOT_FOUND', `no cooperative ${coopId}`);
  if (principal.role === 'technician') return () => true;
  const own = new Set(
    (await registry.fields.list({ coopId, farmerId: principal.farmerId ?? '\0none' })).map(
      (f) => f.id,
    ),
  );
  return (event) =>
    event.fieldId !== null &&
    own.has(event.fieldId) &&
    !(event.type === 'alert' && event.data.kind === 'dead-letter');
}
