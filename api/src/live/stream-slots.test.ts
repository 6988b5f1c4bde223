import { describe, expect, it } from 'vitest';
import { createStreamSlots } from './stream-slots.js';

describe('createStreamSlots', () => {
  it("frees a key's oldest slot for its newest, never another key's", () => {
    const slots = createStreamSlots(3);
    const evicted: string[] = [];
    const releases = ['a1', 'a2', 'a3'].map((name) => slots.take('a', () => evicted.push(name)));
    slots.take('b', () => evicted.push('b1'));
    expect(evicted).toEqual([]);
    slots.take('a', () => evicted.push('a4'));
    slots.take('a', () => evicted.push('a5'));
    expect(evicted).toEqual(['a1', 'a2']);
    expect([slots.held('a'), slots.held('b')]).toEqual([3, 1]);
    // Released slots are not evicted later, and releasing one twice frees one place only.
    releases[2]!();
    releases[2]!();
    expect(slots.held('a')).toBe(2);
    slots.take('a', () => evicted.push('a6'));
    slots.take('a', () => evicted.push('a7'));
    expect(evicted).toEqual(['a1', 'a2', 'a4']);
  });

  it('refuses a limit that would hold no stream', () => {
    expect(() => createStreamSlots(0)).toThrow(RangeError);
  });
});
