import type { Aedes, PublishPacket } from 'aedes';

/**
 * A device's publish (and its will) reaches `aedes.publish` only after `authorizePublish`
 * passed it, and that means the ingest has already consumed it: committed it durably, or
 * dead-lettered it. No client may subscribe to uplinks (the default `authorizeSubscribe`,
 * `maySubscribe`), so Aedes' forwarding pipeline after the PUBACK (a packet copy, the retained
 * store, the subscription tries, the offline-session lookup) would only look for subscribers
 * that cannot exist. It is skipped for them, whatever a custom hook grants; the broker's own
 * publishes (events, $SYS) go through as before.
 *
 * Relies on Aedes calling `broker.publish(packet, client, done)` with the publishing client for
 * a client's packet (aedes 1.2 lib/handlers/publish.js, and lib/client.js for a will), and
 * `publish(packet, done)` for its own. Pinned by patches.test.ts.
 */
export function consumeUplinks(aedes: Aedes): void {
  // Its typings show the public publish(packet, done) only.
  type Publish = (packet: PublishPacket, client: unknown, done?: (error?: Error) => void) => void;
  const broker = aedes as unknown as { publish: Publish };
  const forward = broker.publish.bind(aedes);
  broker.publish = (packet, client, done) => {
    if (client !== null && typeof client === 'object') return done?.();
    forward(packet, client, done);
  };
}
