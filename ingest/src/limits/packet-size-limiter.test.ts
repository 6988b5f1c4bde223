import { describe, expect, it } from 'vitest';
import {
  PACKET_HEAD_BYTES,
  PacketSizeScanner,
  PacketTooLargeError,
  describePacketHead,
} from './packet-size-limiter.js';

// Fixed headers from MQTT 3.1.1 §2.2.3: remaining length as a 1-4 byte varint.
describe('MQTT packet size scanner', () => {
  it('follows packets across chunk boundaries and lets small ones through', () => {
    const scanner = new PacketSizeScanner(200);
    const publish = Buffer.concat([Buffer.from([0x32, 0x7f]), Buffer.alloc(127)]); // 129 bytes
    const pingreq = Buffer.from([0xc0, 0x00]);
    const stream = Buffer.concat([publish, pingreq, publish]);
    for (let i = 0; i < stream.length; i += 7)
      expect(scanner.scan(stream.subarray(i, i + 7))).toBeUndefined();
  });

  it('reports a packet that declares too much as soon as its length is read', () => {
    const scanner = new PacketSizeScanner(16 * 1024);
    // CONNECT declaring 10,000,000 bytes (0x80 0xad 0xe2 0x04): the third length byte already
    // puts it past 16 KiB, so it is refused before the fourth arrives.
    const error = scanner.scan(Buffer.from([0x10, 0x80, 0xad, 0xe2]));
    expect(error).toBeInstanceOf(PacketTooLargeError);
    expect(error?.message).toBe(
      'packet declares at least 1611392 bytes, over the 16384-byte limit',
    );
    const small = new PacketSizeScanner(16 * 1024);
    expect(small.scan(Buffer.from([0x10, 0x80, 0x80]))).toBeUndefined(); // 0 so far: wait for more
  });

  it('refuses a remaining length of more than four bytes', () => {
    expect(
      new PacketSizeScanner(Number.MAX_SAFE_INTEGER).scan(
        Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]),
      )?.message,
    ).toBe('malformed remaining length');
  });
});

describe('the head of an oversize packet', () => {
  it('keeps the first bytes and reads the PUBLISH topic and the whole declared size', () => {
    const topic = 'shamba/v1/coop-a/probe-1/up/soil';
    const body = Buffer.alloc(20_002, 0x5b);
    const variable = Buffer.concat([Buffer.from([0, topic.length]), Buffer.from(topic), body]);
    // Remaining length 20,036 as a varint: 0xc4 0x9c 0x01.
    const packet = Buffer.concat([Buffer.from([0x30, 0xc4, 0x9c, 0x01]), variable]);
    expect(variable.length).toBe(20_036);
    const error = new PacketSizeScanner(16 * 1024).scan(packet.subarray(0, 1400));
    expect(error).toBeInstanceOf(PacketTooLargeError);
    const head = (error as PacketTooLargeError).head;
    expect(Buffer.from(head)).toEqual(packet.subarray(0, 4 + PACKET_HEAD_BYTES));
    expect(describePacketHead(head)).toEqual({ type: 'PUBLISH', declaredBytes: 20_040, topic });
  });

  it('names what it cannot read fully without guessing', () => {
    // A CONNECT whose length bytes stop short; a PUBLISH whose topic is cut.
    expect(describePacketHead(Buffer.from([0x10, 0x80, 0x80]))).toEqual({ type: 'CONNECT' });
    expect(describePacketHead(Buffer.from([0x30, 0xc4, 0x9c, 0x01, 0x00, 0x40, 0x61]))).toEqual({
      type: 'PUBLISH',
      declaredBytes: 20_040,
    });
  });
});
