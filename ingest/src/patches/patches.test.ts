import { createServer, type AddressInfo } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { consumeUplinks } from './consume-uplinks.js';
import { keepOnlyGrantedSubscriptions } from './keep-only-granted-subscriptions.js';

/**
 * Pins the Aedes internals the patches rely on, over a real broker and real sockets: if an
 * Aedes upgrade changes one, a test here fails and says which patch to revisit.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBroker(options: AedesOptions, patch: (aedes: Aedes) => void) {
  const aedes = new Aedes(options);
  await aedes.listen();
  patch(aedes);
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const connect = async (clientId: string) => {
    const client = await connectAsync(url, {
      protocolVersion: 4,
      clientId,
      clean: false,
      reconnectPeriod: 0,
    });
    cleanups.push(() => client.endAsync());
    return client;
  };
  const session = async (clientId: string) => {
    const persistence = (
      aedes as unknown as {
        persistence: { subscriptionsByClient(c: { id: string }): Promise<{ topic: string }[]> };
      }
    ).persistence;
    return (await persistence.subscriptionsByClient({ id: clientId })).map((s) => s.topic).sort();
  };
  return { aedes, connect, session };
}

/** Refuses the filter `refused`, grants the rest. */
const refusing =
  (refused: string): NonNullable<AedesOptions['authorizeSubscribe']> =>
  (_client, subscription, done) =>
    done(null, subscription.topic === refused ? null : subscription);

/** The SUBACK's return codes ([MQTT-3.9.3]: 0x80 for a refused filter). */
const suback = (client: MqttClient, filters: string[]) => {
  const answered = new Promise<number[]>((resolve) =>
    client.on('packetreceive', (packet) => {
      if (packet.cmd === 'suback') resolve(packet.granted as number[]);
    }),
  );
  client.subscribe(filters, { qos: 1 }, () => undefined);
  return answered;
};

describe('keepOnlyGrantedSubscriptions', () => {
  it('is needed: Aedes stores a SUBSCRIBE’s whole filter list, the refused filter included', async () => {
    const broker = await startBroker({ authorizeSubscribe: refusing('b') }, () => undefined);
    const client = await broker.connect('unpatched');
    expect(await suback(client, ['a', 'b'])).toEqual([1, 128]);
    expect(await broker.session('unpatched')).toEqual(['a', 'b']);
  });

  it('keeps only what the filter passes, through the persistence’s addSubscriptions', async () => {
    const asked: string[][] = [];
    const broker = await startBroker({ authorizeSubscribe: refusing('b') }, (aedes) =>
      keepOnlyGrantedSubscriptions(aedes, (_client, subs) => {
        asked.push(subs.map((s) => s.topic));
        return subs.filter((s) => s.topic !== 'b');
      }),
    );
    const client = await broker.connect('patched');
    expect(await suback(client, ['a', 'b'])).toEqual([1, 128]);
    expect(asked).toEqual([['a', 'b']]);
    expect(await broker.session('patched')).toEqual(['a']);
  });
});

describe('consumeUplinks', () => {
  it('stops a client’s publish after its PUBACK, and lets the broker’s own through', async () => {
    const broker = await startBroker({}, consumeUplinks);
    const listener = await broker.connect('listener');
    const received: string[] = [];
    listener.on('message', (_topic, payload) => received.push(payload.toString()));
    await suback(listener, ['t']);
    const device = await broker.connect('device');
    await device.publishAsync('t', 'from a client', { qos: 1 }); // PUBACKed all the same
    await new Promise<void>((resolve, reject) =>
      broker.aedes.publish(
        {
          cmd: 'publish',
          topic: 't',
          payload: Buffer.from('from the broker'),
          qos: 1,
          retain: false,
          dup: false,
        },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    // A round trip on the listener's own socket after both: whatever was written to it before
    // (either delivery) arrives before this PUBACK.
    await listener.publishAsync('other', 'sync', { qos: 1 });
    expect(received).toEqual(['from the broker']);
  });
});
