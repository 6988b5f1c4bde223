/**
 * A Map that forgets its least recently written entry once it holds `maxEntries`, so state kept
 * per client id or per address (keys an attacker chooses) has a fixed ceiling. Forgetting an
 * entry only forgets a penalty or a courtesy; it never lets anyone in.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly maxEntries: number) {}

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Sets `key` as the most recent entry (a Map iterates in insertion order). */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
