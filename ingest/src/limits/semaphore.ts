export type Release = () => void;

export interface Semaphore {
  /**
   * A slot, once one is free, first come first served. Undefined when `maxQueue` others already
   * wait (the caller refuses at once instead of piling up).
   */
  acquire(): Promise<Release> | undefined;
  readonly active: number;
  readonly waiting: number;
}

/** Bounds concurrent expensive work, with a bounded queue. */
export function createSemaphore(options: { limit: number; maxQueue: number }): Semaphore {
  let active = 0;
  const queue: (() => void)[] = [];

  const release = () => {
    const next = queue.shift();
    if (next === undefined) active--;
    else next(); // the slot passes straight on: `active` is unchanged
  };
  const slot = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    acquire() {
      if (active < options.limit) {
        active++;
        return Promise.resolve(slot());
      }
      if (queue.length >= options.maxQueue) return undefined;
      return new Promise((resolve) => queue.push(() => resolve(slot())));
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
