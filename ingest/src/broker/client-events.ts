import type { Aedes } from 'aedes';
import { sourceOf } from '../auth/connect-guard.js';
import { errorText } from '../observability/refusal-log.js';
import type { BrokerContext } from './broker-context.js';

/** Counts connected devices, forgets unsubscribed filters, and logs client errors. */
export function watchClients(aedes: Aedes, ctx: BrokerContext): void {
  const { connections, logger } = ctx;
  aedes.on('clientReady', () => ctx.stats.connected());
  aedes.on('clientDisconnect', () => ctx.stats.disconnected());
  aedes.on('unsubscribe', (topics, client) => ctx.subscriptions.removed(client, topics));
  // Once a minute per source, the message only: a flood once logged a stack per packet. A
  // client that never authenticated has the id its CONNECT named (or a random one from Aedes),
  // new with each connection if it likes, so it is known by its address (IPv4, or IPv6 /64).
  aedes.on('clientError', (client, error) => {
    const device = connections.deviceOf(client);
    const address = connections.addressOf(client) ?? 'unknown';
    const source = device === undefined ? sourceOf(address) : device.id;
    const fields = device === undefined ? { address } : { deviceId: device.id, address };
    ctx.refusals.note(
      { source, reason: 'client error' },
      { ...fields, err: errorText(error) },
      'client error',
    );
  });
  aedes.on('connectionError', (client, error) =>
    logger.debug(
      { address: connections.addressOf(client), err: errorText(error) },
      'connection error',
    ),
  );
}
