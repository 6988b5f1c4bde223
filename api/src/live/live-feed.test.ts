import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coopFixture } from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createLiveFeed } from './live-feed.js';

let stores: TempStores;
beforeAll(async () => {
  stores = await openTempStores('shamba-live-feed-');
  await stores.registry.coops.upsert(coopFixture());
});
afterAll(async () => stores.close());

describe('createLiveFeed, with its default limits', () => {
  it('holds 3 streams per credential (a 4th replaces the 1st) and 20 per cooperative', () => {
    const feed = createLiveFeed({ registry: stores.registry, store: stores.store });
    const replaced: number[] = [];
    const subscriptions = [];
    const subscribe = (key: string, n: number) =>
      feed.subscribe('coop-a', { key, listener: () => {}, onReplaced: () => replaced.push(n) });
    // One script opening streams in a loop keeps 3 of them, whatever it tries.
    for (let n = 0; n < 20; n++) subscriptions.push(subscribe('script', n));
    expect(replaced).toEqual(Array.from({ length: 17 }, (_, n) => n));
    expect([feed.streamsOf('script'), feed.streams('coop-a')]).toEqual([3, 3]);
    // Seventeen more people fill the cooperative; the next one is refused, and holds nothing.
    for (let n = 0; n < 17; n++) subscriptions.push(subscribe(`person-${n}`, 100 + n));
    expect(feed.streams('coop-a')).toBe(20);
    expect(() => subscribe('late', 200)).toThrow(/at most 20 live streams/);
    expect(feed.streamsOf('late')).toBe(0);
    // The script's next stream still replaces its own oldest: it never needs another's place.
    subscriptions.push(subscribe('script', 20));
    expect(replaced.at(-1)).toBe(17);
    for (const subscription of subscriptions) subscription.unsubscribe();
    expect(feed.streams('coop-a')).toBe(0);
  });
});
