import { describe, expect, it } from 'vitest';
import { createSemaphore } from './semaphore.js';

describe('the verification semaphore', () => {
  it('runs at most `limit` at once, serves priority waiters first and bounds the queue', async () => {
    const semaphore = createSemaphore({ limit: 1, maxQueue: 2 });
    const order: string[] = [];
    const first = await semaphore.acquire(false)!;
    const waiters = [
      semaphore.acquire(false)!.then((release) => (order.push('normal-1'), release())),
      semaphore.acquire(false)!.then((release) => (order.push('normal-2'), release())),
      semaphore.acquire(true)!.then((release) => (order.push('known-good'), release())),
    ];
    expect(semaphore.acquire(false)).toBeUndefined(); // the normal lane is full
    expect([semaphore.active, semaphore.waiting]).toEqual([1, 3]);
    first();
    await Promise.all(waiters);
    expect(order).toEqual(['known-good', 'normal-1', 'normal-2']);
    expect([semaphore.active, semaphore.waiting]).toEqual([0, 0]);
  });
});
