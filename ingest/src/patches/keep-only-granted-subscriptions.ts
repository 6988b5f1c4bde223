import type { Aedes } from 'aedes';

/** What of a SUBSCRIBE's filter list may be stored in the client's session. */
export type Persistable = <T extends { topic: string }>(client: object, subs: readonly T[]) => T[];

/**
 * The session store keeps only what `authorizeSubscribe` granted. For each granted filter of a
 * SUBSCRIBE, Aedes stores the packet's whole filter list in the session, refused filters
 * included (aedes 1.2 lib/handlers/subscribe.js, storeSubscriptions, which calls
 * `broker.persistence.addSubscriptions(client, packet.subscriptions)`), so a client refused
 * past its cap would still grow its persistent session. The store's `addSubscriptions` is
 * filtered through `persistable` (see createSubscriptionGuard). Call it after `aedes.listen()`,
 * which sets up the persistence. Pinned by patches.test.ts.
 */
export function keepOnlyGrantedSubscriptions(aedes: Aedes, persistable: Persistable): void {
  type Add = (client: object, subs: { topic: string }[]) => Promise<void>;
  const persistence = (aedes as unknown as { persistence: { addSubscriptions: Add } }).persistence;
  const add = persistence.addSubscriptions.bind(persistence);
  persistence.addSubscriptions = (client, subs) => {
    const kept = persistable(client, subs);
    return kept.length === 0 ? Promise.resolve() : add(client, kept);
  };
}
