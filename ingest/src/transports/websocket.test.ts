import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PacketTooLargeError, describePacketHead } from '../limits/packet-size-limiter.js';
import { startTransports, type Transports } from './start-transports.js';

const open: Transports[] = [];
afterEach(async () => {
  for (const transports of open.splice(0)) await transports.close();
});

/** A PUBLISH ([MQTT-3.3]) of `bytes` payload bytes, whole, as one buffer. */
function publishPacket(topic: string, bytes: number): Buffer {
  const variable = Buffer.concat([
    Buffer.from([0, topic.length]),
    Buffer.from(topic),
    Buffer.alloc(bytes, 0x20),
  ]);
  const length: number[] = [];
  for (let n = variable.length; ;) {
    const byte = n % 128;
    n = Math.floor(n / 128);
    length.push(n > 0 ? byte | 0x80 : byte);
    if (n === 0) break;
  }
  return Buffer.concat([Buffer.from([0x30, ...length]), variable]);
}

describe('the WebSocket listener', () => {
  it('reports an oversize packet once, with its head, or its size alone past what ws reads', async () => {
    const reports: { address: string; error: Error }[] = [];
    const listeners = await startTransports({
      host: '127.0.0.1',
      port: 0,
      wsPort: 0,
      maxPacketBytes: 16 * 1024,
      accept: (stream: Duplex) => stream.resume(),
      onTooLarge: (_stream, address, error) => reports.push({ address, error }),
    });
    open.push(listeners);
    const send = async (message: Buffer) => {
      const ws = new WebSocket(`ws://127.0.0.1:${listeners.wsPort}/mqtt`);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const closed = new Promise((resolve) => ws.once('close', resolve));
      ws.send(message);
      await closed;
    };
    const topic = 'shamba/v1/coop-a/probe-1/up/soil';
    await send(publishPacket(topic, 20_000)); // one message, under ws's own cap (4 packets)
    await send(publishPacket(topic, 100_000)); // one message, over it
    expect(reports.map((r) => r.address)).toEqual(['127.0.0.1', '127.0.0.1']);
    const [scanned, cut] = reports.map((r) => r.error as PacketTooLargeError);
    expect(describePacketHead(scanned!.head)).toEqual({
      type: 'PUBLISH',
      declaredBytes: 20_000 + topic.length + 2 + 3 + 1,
      topic,
    });
    expect(cut).toBeInstanceOf(PacketTooLargeError);
    expect([cut!.declaredBytes, cut!.maxBytes, cut!.head.length]).toEqual([65_536, 16_384, 0]);
  });
});
