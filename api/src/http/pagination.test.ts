import { describe, expect, it } from 'vitest';
import { cursorOf, keyOfCursor, pageOf, pageQuery } from './pagination.js';

describe('cursor pagination', () => {
  const items = ['f-3', 'f-1', 'f-5', 'f-2', 'f-4'].map((id) => ({ id }));
  const key = (item: { id: string }) => [item.id];

  it('walks a list in key order, page by page, to a null next', () => {
    const first = pageOf(items, key, { limit: 2 });
    expect(first).toEqual({ items: [{ id: 'f-1' }, { id: 'f-2' }], next: cursorOf(['f-2']) });
    const second = pageOf(items, key, { limit: 2, cursor: first.next! });
    expect(second).toEqual({ items: [{ id: 'f-3' }, { id: 'f-4' }], next: cursorOf(['f-4']) });
    expect(pageOf(items, key, { limit: 2, cursor: second.next! })).toEqual({
      items: [{ id: 'f-5' }],
      next: null,
    });
    expect(pageOf(items, key, { limit: 5 }).next).toBeNull();
  });

  it('neither repeats nor skips when an item before the cursor goes away', () => {
    const first = pageOf(items, key, { limit: 2 });
    const without = items.filter((i) => i.id !== 'f-1');
    expect(pageOf(without, key, { limit: 2, cursor: first.next! }).items).toEqual([
      { id: 'f-3' },
      { id: 'f-4' },
    ]);
  });

  it('refuses a cursor it did not make, and limits outside the range', () => {
    expect(() => keyOfCursor('not-a-cursor')).toThrow('cursor: not a cursor this API gave');
    expect(() => keyOfCursor(Buffer.from('{"a":1}').toString('base64url'))).toThrow(/cursor/);
    const query = pageQuery({ defaultLimit: 50, maxLimit: 500 });
    expect(query.parse({})).toEqual({ limit: 50 });
    expect(query.parse({ limit: '7', cursor: 'x' })).toEqual({ limit: 7, cursor: 'x' });
    expect(query.safeParse({ limit: '501' }).success).toBe(false);
    expect(query.safeParse({ limit: '0' }).success).toBe(false);
  });
});
