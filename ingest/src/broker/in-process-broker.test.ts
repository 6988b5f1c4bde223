import { afterEach, describe, expect, it } from 'vitest';
import { encodeSenml, upTopic } from '@shamba/schemas';
import {
  COOP,
  DEVICE,
  NOW_MS,
  cleanUp,
  connack,
  connectDevice,
  connectPacket,
  connection,
  everything,
  publish,
  puback,
  reading,
  settle,
  start,
  stored,
  type Stack,
} from '../testing/in-process-broker.js';

/** The ingest broker over in-process duplex pairs: see testing/in-process-broker.ts. */
afterEach(cleanUp);

describe('the ingest broker over an in-process duplex pair', () => {
  it('sends the PUBACK of a QoS 1 reading only once the store’s write resolved', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    const held = stack.hold();
    conn.send(publish(upTopic(COOP, DEVICE, 'soil'), encodeSenml([reading(1)]), 7));
    await held.arrived;
    await settle();
    expect(conn.unread()).toEqual([]);
    expect(await stack.sqlite.query(everything)).toEqual([]);

    held.release();
    expect(await conn.next()).toEqual(puback(7));
    expect(await stack.sqlite.query(everything)).toEqual([stored(1)]);
    expect(conn.isClosed()).toBe(false);
  });

  it('sends no PUBACK when the store’s write fails, and closes the connection', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    const held = stack.hold();
    conn.send(publish(upTopic(COOP, DEVICE, 'soil'), encodeSenml([reading(1)]), 8));
    await held.arrived;
    held.fail(new Error('disk full'));
    expect(await conn.closedOrNext()).toBe('closed');
    await settle();
    expect(conn.unread()).toEqual([]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
    expect(await stack.registry.deadLetters.list()).toEqual([]);
    expect(stack.broker.stats().readingsCommitted).toBe(0);
  });

  it('dead-letters a bad payload and acknowledges it, so the device stops resending it', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    const topic = upTopic(COOP, DEVICE, 'soil');
    conn.send(publish(topic, Buffer.from('not senml'), 9));
    expect(await conn.next()).toEqual(puback(9));
    expect(await stack.registry.deadLetters.list()).toEqual([
      {
        id: 1,
        receivedMs: NOW_MS,
        lastMs: NOW_MS,
        deviceId: DEVICE,
        coopId: COOP,
        topic,
        code: 'INVALID_PAYLOAD',
        reason: 'unrecognised payload (first byte 0x6e)',
        payload: new Uint8Array(Buffer.from('not senml')),
        payloadBytes: 9,
        count: 1,
      },
    ]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
    expect(conn.isClosed()).toBe(false);
  });

  it('refuses a publish to a foreign topic: no PUBACK, disconnected, one dead letter per device', async () => {
    const stack = await start();
    const foreign = [upTopic('coop-b', DEVICE, 'soil'), upTopic(COOP, 'probe-2', 'soil')];
    for (const [i, topic] of foreign.entries()) {
      const conn = await connectDevice(stack);
      conn.send(publish(topic, encodeSenml([reading(i)]), 10 + i));
      expect(await conn.closedOrNext()).toBe('closed');
      await settle();
      expect(conn.unread()).toEqual([]);
    }
    // Folded on the device (foldKey NOT_AUTHORIZED:probe-1): the newest topic and bytes, twice.
    expect(await stack.registry.deadLetters.list()).toEqual([
      {
        id: 1,
        receivedMs: NOW_MS,
        lastMs: NOW_MS,
        deviceId: DEVICE,
        coopId: COOP,
        topic: foreign[1],
        code: 'NOT_AUTHORIZED',
        reason: 'publish outside the device ACL',
        payload: new Uint8Array(encodeSenml([reading(1)])),
        payloadBytes: encodeSenml([reading(1)]).length,
        count: 2,
      },
    ]);
    expect(await stack.sqlite.query(everything)).toEqual([]);
  });
});

/**
 * MQTT 3.1.1 §3.2.2.3 (CONNACK return codes): 0 accepted; 2 "identifier rejected" (a client id
 * the server does not allow: ours must equal the device id); 4 "bad user name or password";
 * 5 "not authorized" (here: a source address in backoff after repeated failures). After a
 * non-zero code the server closes the connection [MQTT-3.2.2-5].
 */
describe('CONNACK return codes', () => {
  async function refusedWith(stack: Stack, packet: object, returnCode: number) {
    const conn = connection(stack.broker);
    conn.send(packet);
    expect(await conn.next()).toEqual(connack(returnCode));
    await conn.closed;
  }

  it('accepts a provisioned device with its secret (0)', async () => {
    const stack = await start();
    const conn = await connectDevice(stack);
    await settle();
    expect(conn.isClosed()).toBe(false);
    expect(stack.broker.stats().connectedDevices).toBe(1);
  });

  it('rejects a client id that is not the device id (2)', async () => {
    const stack = await start();
    await refusedWith(stack, connectPacket('someone-else', DEVICE, stack.secret), 2);
  });

  it('refuses a wrong secret or an unknown device (4)', async () => {
    const stack = await start();
    await refusedWith(stack, connectPacket(DEVICE, DEVICE, `${stack.secret}x`), 4);
    await refusedWith(stack, connectPacket('probe-9', 'probe-9', stack.secret), 4);
  });

  it('refuses even the right secret from an address in backoff (5)', async () => {
    const stack = await start();
    // Five failures start the backoff (createConnectGuard's maxFailures).
    for (let i = 0; i < 5; i++)
      await refusedWith(stack, connectPacket(DEVICE, DEVICE, `wrong-${i}`), 4);
    await refusedWith(stack, connectPacket(DEVICE, DEVICE, stack.secret), 5);
    expect(stack.broker.stats().connectsRefused).toBe(6);
  });
});
