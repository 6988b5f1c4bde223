export type Release = () => void;

export interface Semaphore {
  /**
   * A slot, once one is free: priority callers are served before everyone else. Undefined when
   * `maxQueue` others already wait (the caller refuses at once instead of piling up).
   */
  acquire(priority: boolean): Promise<Release> | undefined;
  readonly active: number;
  readonly waiting: number;
}

/** Bounds concurrent expensive work, with a bounded queue and a lane for known-good callers. */
export function createSemaphore(options: { limit: number; maxQueue: number }): Semaphore {
  let active = 0;
  const urgent: (() => void)[] = [];
  const normal: (() => void)[] = [];

  const release = () => {
    const next = urgent.shift() ?? normal.shift();
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
    acquire(priority) {
      if (active < options.limit) {
        active++;
        return Promise.resolve(slot());
      }
      // Each lane has its own bound, so a flood in the normal lane never fills the urgent one.
      const lane = priority ? urgent : normal;
      if (lane.length >= options.maxQueue) return undefined;
      return new Promise((resolve) => lane.push(() => resolve(slot())));
    },
    get active() {
      return active;
    },
    get waiting() {
      return urgent.length + normal.length;
    },
  };
}
