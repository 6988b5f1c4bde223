import { describe, expect, it } from 'vitest';
import { PacketSizeScanner, PacketTooLargeError } from './packet-size-limiter.js';

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
