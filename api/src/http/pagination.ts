import { z } from 'zod';
import { ShambaError } from '@shamba/schemas';

/**
 * Cursor pagination, the same on every list: `?limit=` (1..max, a default per list) and
 * `?cursor=` (opaque: the `next` of the previous page); each page answers `next`, null on the
 * last page. A cursor names the last item given (its sort key), so items added or removed
 * between pages neither repeat nor skip the others.
 */
export function pageQuery(options: { defaultLimit: number; maxLimit: number }) {
  return z.object({
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(options.maxLimit)
      .default(options.defaultLimit)
      .meta({ description: `Items per page (1-${options.maxLimit}).` }),
    cursor: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .meta({ description: 'The `next` of the previous page.' }),
  });
}

/** A page's `next`: the cursor of the following page, or null on the last. */
export const NextSchema = z
  .string()
  .nullable()
  .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' });

/** The cursor for the page after the item with this sort key. */
export function cursorOf(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor names, or INVALID_REQUEST for one this API did not make. */
export function keyOfCursor(cursor: string): (string | number)[] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const isKey = (k: unknown): k is string | number =>
      typeof k === 'string' || typeof k === 'number';
    if (Array.isArray(key) && key.every(isKey)) return key;
  } catch {
    // falls through to the refusal
  }
  throw new ShambaError('INVALID_REQUEST', 'cursor: not a cursor this API gave');
}

const compareKeys = (a: readonly (string | number)[], b: readonly (string | number)[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
};

/**
 * One page of a list held in memory (a cooperative's farmers, fields, devices: hundreds, not
 * millions), in the order of `keyOf` (unique per item).
 */
export function pageOf<T>(
  items: readonly T[],
  keyOf: (item: T) => (string | number)[],
  query: { limit: number; cursor?: string | undefined },
): { items: T[]; next: string | null } {
  const after = query.cursor === undefined ? undefined : keyOfCursor(query.cursor);
  const sorted = items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => compareKeys(a.key, b.key));
  const rest = after === undefined ? sorted : sorted.filter((e) => compareKeys(e.key, after) > 0);
  const page = rest.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((e) => e.item),
    next: rest.length > query.limit && last !== undefined ? cursorOf(last.key) : null,
  };
}
