/**
 * Subscriptions per connection. A device subscribes to its own commands: `down/#`, or one
 * filter per command it understands (the firmware uses `down/#`; a valve has two or three
 * commands). 16 covers one filter per command with room, and bounds what one client can make
 * the broker hold: without a cap, one device could grow the heap without bound through the
 * subscriptions its persistent session keeps (issue 13, case 8).
 */
export const MAX_SUBSCRIPTIONS = 16;
/**
 * Refused filters (over the cap or outside the ACL) a connection may ask for before it is cut.
 * A device that keeps asking after 16 refusals is misbuilt or hostile; an honest misconfigured
 * one still gets every refusal in its SUBACK before that.
 */
export const MAX_REFUSED_SUBSCRIPTIONS = 16;

export interface SubscriptionGuard {
  /** Whether `client` may hold `topic` (it holds it already, or is under the cap); records it. */
  admit(client: object, topic: string): boolean;
  /** Counts a refused filter; true once the connection has had more than its share. */
  refuse(client: object): boolean;
  /** Whether the connection has been cut for refusals (the rest of its SUBSCRIBE is moot). */
  cut(client: object): boolean;
  /** Topics the client unsubscribed. */
  removed(client: object, topics: readonly string[]): void;
  /** What of `subs` may be stored in the client's session: the filters it was granted only. */
  persistable<T extends { topic: string }>(client: object, subs: readonly T[]): T[];
}

/**
 * Aedes stores a SUBSCRIBE packet's whole filter list in the session for each granted filter,
 * refused ones included: the session store is filtered through `persistable` (see
 * keepOnlyGrantedSubscriptions), so nothing refused or past the cap is ever kept.
 */
export function createSubscriptionGuard(
  max = MAX_SUBSCRIPTIONS,
  maxRefused = MAX_REFUSED_SUBSCRIPTIONS,
): SubscriptionGuard {
  const granted = new WeakMap<object, Set<string>>();
  const refused = new WeakMap<object, number>();
  return {
    admit(client, topic) {
      let topics = granted.get(client);
      if (topics === undefined) granted.set(client, (topics = new Set()));
      if (topics.has(topic)) return true;
      if (topics.size >= max) return false;
      topics.add(topic);
      return true;
    },
    refuse(client) {
      const count = (refused.get(client) ?? 0) + 1;
      refused.set(client, count);
      return count > maxRefused;
    },
    cut: (client) => (refused.get(client) ?? 0) > maxRefused,
    removed(client, topics) {
      const held = granted.get(client);
      for (const topic of topics) held?.delete(topic);
    },
    persistable(client, subs) {
      const held = granted.get(client);
      return held === undefined ? [] : subs.filter((sub) => held.has(sub.topic));
    },
  };
}
