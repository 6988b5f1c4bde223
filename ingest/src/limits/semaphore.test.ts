import { describe, expect, it } from 'vitest';
import { createSemaphore } from './semaphore.js';

describe('the verification semaphore', () => {
  it('runs at most `limit` at once, in arrival order, and bounds the queue', async () => {
    const semaphore = createSemaphore({ limit: 1, maxQueue: 2 });
    const order: string[] = [];
    const first = await semaphore.acquire()!;
    const waiters = [
      semaphore.acquire()!.then((release) => (order.push('second'), release())),
      semaphore.acquire()!.then((release) => (order.push('third'), release())),
    ];
    expect(semaphore.acquire()).toBeUndefined(); // the queue is full
    expect([semaphore.active, semaphore.waiting]).toEqual([1, 2]);
    first();
    first(); // a second release of one slot frees nothing more
    await Promise.all(waiters);
    expect(order).toEqual(['second', 'third']);
    expect([semaphore.active, semaphore.waiting]).toEqual([0, 0]);
  });
});
