// A window of outstanding requests: at most `size` at once, the rest wait their turn in order.
// SMPP v3.4 §2.9 lets an ESME have several requests outstanding; SMSCs cap the number per bind.

export interface RequestWindow {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly outstanding: number;
}

export function createRequestWindow(size: number): RequestWindow {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('windowSize must be >= 1');
  let active = 0;
  const queue: (() => void)[] = [];

  function acquire(): Promise<void> {
    if (active < size) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => queue.push(resolve));
  }

  function release(): void {
    const next = queue.shift();
    if (next)
      next(); // the slot passes straight to the next request
    else active -= 1;
  }

  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get outstanding() {
      return active;
    },
  };
}
