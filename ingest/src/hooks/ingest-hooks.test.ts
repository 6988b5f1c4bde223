import { afterEach, describe, expect, it } from 'vitest';
import { TOPIC_ROOT, encodeSenml, upTopic } from '@shamba/schemas';
import type { DeviceRecord } from '@shamba/storage';
import {
  COOP,
  DEVICE,
  cleanUp,
  connack,
  connectPacket,
  connection,
  everything,
  publish,
  reading,
  settle,
  start,
  type Connection,
  type Stack,
} from '../testing/in-process-broker.js';
import { CONNACK, type AuthenticateHook, type ConnectAttempt } from './ingest-hooks.js';

/**
 * The hooks as options of createIngestBroker, over in-process duplex pairs (see
 * testing/in-process-broker.ts): a hook given is the one asked, and a hook left unset is the
 * registry-backed default, which denies what is not the device's own.
 */
afterEach(cleanUp);

/** A device the registry does not hold: only a custom authenticate hook can let it in. */
const GUEST: DeviceRecord = {
  id: 'guest-1',
  coopId: COOP,
  fieldId: null,
  zoneId: null,
  kind: 'soil-probe',
  secretHash: 'sha256$not-used',
};

/** Admits every CONNECT as GUEST, whatever it presents. */
const admitGuest: AuthenticateHook = async () => ({ ok: true, device: GUEST });

const down = (deviceId: string) => `${TOPIC_ROOT}/${COOP}/${deviceId}/down/#`;

/** SUBSCRIBE to `filters` at QoS 1; the SUBACK, as mqtt-packet parses it: the whole packet. */
async function subscribe(conn: Connection, messageId: number, filters: string[]) {
  conn.send({
    cmd: 'subscribe',
    messageId,
    subscriptions: filters.map((topic) => ({ topic, qos: 1 })),
  });
  return conn.next();
}

const suback = (messageId: number, granted: number[]) => ({
  cmd: 'suback',
  retain: false,
  qos: 0,
  dup: false,
  length: 2 + granted.length,
  topic: null,
  payload: null,
  messageId,
  granted,
});

async function connectGuest(stack: Stack): Promise<Connection> {
  const conn = connection(stack.broker);
  conn.send(connectPacket(GUEST.id, GUEST.id, 'anything'));
  expect(await conn.next()).toEqual(connack(0));
  return conn;
}

describe('a custom authenticate hook', () => {
  it('is asked instead of the registry: it refuses even a provisioned device with its secret', async () => {
    const attempts: ConnectAttempt[] = [];
    const stack = await start({
      hooks: {
        authenticate: async (attempt) => {
          attempts.push(attempt);
          return { ok: false, returnCode: CONNACK.NOT_AUTHORIZED, reason: 'closed for upgrade' };
        },
      },
    });
    const conn = connection(stack.broker);
    conn.send(connectPacket(DEVICE, DEVICE, stack.secret));
    expect(await conn.next()).toEqual(connack(5));
    await conn.closed;
    // A duplex pair has no transport, so no address.
    expect(attempts).toEqual([
      {
        clientId: DEVICE,
        username: DEVICE,
        password: Buffer.from(stack.secret),
        address: 'unknown',
      },
    ]);
    expect(stack.broker.stats().connectsRefused).toBe(1);
  });

  it('that fails is answered 3, server unavailable (MQTT 3.1.1 §3.2.2.3)', async () => {
    const stack = await start({
      hooks: { authenticate: () => Promise.reject(new Error('directory down')) },
    });
    const conn = connection(stack.broker);
    conn.send(connectPacket(DEVICE, DEVICE, stack.secret));
    expect(await conn.next()).toEqual(connack(3));
    await conn.closed;
  });
});

describe('hooks left unset deny what is not the device’s own', () => {
  it('the default authorizeSubscribe refuses another device’s commands and the wildcard', async () => {
    const stack = await start({ hooks: { authenticate: admitGuest } });
    const conn = await connectGuest(stack);
    const filters = [down(GUEST.id), down(DEVICE), '#'];
    expect(await subscribe(conn, 3, filters)).toEqual(suback(3, [1, 128, 128]));
    expect(stack.broker.stats().messagesRejected).toEqual({ NOT_AUTHORIZED: 2 });
    expect(conn.isClosed()).toBe(false);
  });

  it('the default authorizePublish refuses a topic outside the device’s own', async () => {
    const stack = await start({ hooks: { authenticate: admitGuest } });
    const conn = await connectGuest(stack);
    conn.send(publish(upTopic(COOP, DEVICE, 'soil'), encodeSenml([reading(1)]), 4));
    expect(await conn.closedOrNext()).toBe('closed');
    await settle();
    expect(conn.unread()).toEqual([]);
    const letters = await stack.registry.deadLetters.list();
    expect(letters.map((l) => [l.deviceId, l.code, l.topic])).toEqual([
      [GUEST.id, 'NOT_AUTHORIZED', upTopic(COOP, DEVICE, 'soil')],
    ]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
  });
});

describe('custom authorize hooks', () => {
  it('replace the topic ACL: a publish the hook refuses is refused on the device’s own topic', async () => {
    const stack = await start({ hooks: { authorizePublish: () => false } });
    const conn = connection(stack.broker);
    conn.send(connectPacket(DEVICE, DEVICE, stack.secret));
    expect(await conn.next()).toEqual(connack(0));
    conn.send(publish(upTopic(COOP, DEVICE, 'soil'), encodeSenml([reading(1)]), 5));
    expect(await conn.closedOrNext()).toBe('closed');
    await settle();
    const letters = await stack.registry.deadLetters.list();
    expect(letters.map((l) => [l.deviceId, l.code, l.reason])).toEqual([
      [DEVICE, 'NOT_AUTHORIZED', 'publish outside the device ACL'],
    ]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
    expect(stack.broker.stats().messagesRejected).toEqual({ NOT_AUTHORIZED: 1 });
  });

  it('and a filter the hook grants is granted, one the default would refuse', async () => {
    const events = `${TOPIC_ROOT}/${COOP}/events/#`;
    const stack = await start({
      hooks: { authorizeSubscribe: (device, filter) => device.id === DEVICE && filter === events },
    });
    const conn = connection(stack.broker);
    conn.send(connectPacket(DEVICE, DEVICE, stack.secret));
    expect(await conn.next()).toEqual(connack(0));
    expect(await subscribe(conn, 6, [events, down(DEVICE)])).toEqual(suback(6, [1, 128]));
  });
});
