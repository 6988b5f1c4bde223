/**
 * Open live streams per credential, oldest first. At the limit a new stream takes the oldest
 * one's place instead of being refused: the person who reloads a tab, or opens the dashboard on
 * a phone beside the laptop, always gets a live page, and a script of theirs that opens streams
 * in a loop only ever holds its own few, never the cooperative's whole allowance.
 */
export interface StreamSlots {
  /**
   * Takes a slot for `key`. When the key holds its most, its oldest slot is freed first and
   * that slot's `evict` runs (synchronously, so the stream it ends is gone before this returns).
   * Returns the release for the slot taken; releasing twice is harmless.
   */
  take(key: string, evict: () => void): () => void;
  /** Slots the key holds now. */
  held(key: string): number;
}

interface Slot {
  evict: () => void;
}

export function createStreamSlots(maxPerKey: number): StreamSlots {
  if (!Number.isInteger(maxPerKey) || maxPerKey < 1)
    throw new RangeError(`maxPerKey must be a positive integer, not ${maxPerKey}`);
  // Arrays in taking order: the first is the oldest. A key holds a handful, so indexOf is cheap.
  const byKey = new Map<string, Slot[]>();

  function release(key: string, slot: Slot): void {
    const slots = byKey.get(key);
    const at = slots?.indexOf(slot) ?? -1;
    if (slots === undefined || at < 0) return;
    slots.splice(at, 1);
    if (slots.length === 0) byKey.delete(key);
  }

  return {
    take(key, evict) {
      for (let slots = byKey.get(key); slots !== undefined && slots.length >= maxPerKey;) {
        const oldest = slots[0]!;
        release(key, oldest);
        oldest.evict();
        slots = byKey.get(key);
      }
      const slot: Slot = { evict };
      const slots = byKey.get(key) ?? [];
      slots.push(slot);
      byKey.set(key, slots);
      return () => release(key, slot);
    },
    held: (key) => byKey.get(key)?.length ?? 0,
  };
}
