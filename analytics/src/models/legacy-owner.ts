import { isId } from '@shamba/schemas';

/**
 * Whose a version in the shared folder (`<dir>/<kind>/`) is: a cooperative's id, null (shared),
 * or undefined (nobody's: no store sees it).
 *
 * Versions saved since models have owners record it (`owner`, written last; null in this
 * folder). One saved before has none: it sat with the shared ones, though the API's train route
 * made it from cooperatives' uploaded history, recorded as `historyCoops`: every cooperative's
 * when an admin trained it, the agronomist's own cooperative alone when an agronomist did
 * (api/src/routes/models.ts and cli/src/yield-models.ts at 6aa1e48). A version one cooperative's staff trained on its own
 * history (poisoned, perhaps) is that cooperative's, and must not reach another's forecasts:
 * - no `historyCoops`, or none (simulated seasons only) → shared;
 * - two or more cooperatives (an admin's, trained on every cooperative's) → shared;
 * - exactly one → that cooperative's: only its store sees, uses and promotes it, and the shared
 *   `promoted.json` naming it counts for it alone. An admin's version trained while the box
 *   held one cooperative lands there too: it learned from that cooperative's history alone;
 * - anything else (not cooperative ids: never written by Shamba) → nobody's.
 */
export function sharedFolderOwner(meta: Record<string, unknown>): string | null | undefined {
  if ('owner' in meta) return meta.owner === null ? null : undefined;
  const coops = meta.historyCoops ?? [];
  if (!Array.isArray(coops) || !coops.every((c) => typeof c === 'string' && isId(c)))
    return undefined;
  return coops.length === 1 ? (coops[0] as string) : null;
}
