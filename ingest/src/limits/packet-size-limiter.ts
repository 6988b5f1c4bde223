import type { Readable } from 'node:stream';

/**
 * Bytes of an oversize packet kept for its dead letter: the fixed header, and for a PUBLISH its
 * topic (our topics are under 100 bytes) and the start of its payload, enough to tell what the
 * device was trying to send.
 */
export const PACKET_HEAD_BYTES = 256;

/**
 * Reads MQTT's fixed header as bytes arrive ([MQTT-2.2]: one type byte, then the remaining
 * length as a 1-4 byte varint) and reports a packet that declares more than `maxBytes` as soon
 * as its length is known, before any of its body is buffered. Aedes has no limit of its own,
 * and its parser would otherwise hold up to 256 MB per connection waiting for a declared body.
 */
export class PacketSizeScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  /** The current packet's fixed header so far (type byte and length bytes, at most 5). */
  private readonly header: number[] = [];

  constructor(private readonly maxBytes: number) {}

  /** Follows the stream through `chunk`; returns the error for the first oversize packet. */
  scan(chunk: Uint8Array): Error | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        this.header.length = 0;
        this.header.push(chunk[i++]!);
      } else if (this.state === 'length') {
        const byte = chunk[i++]!;
        this.header.push(byte);
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (this.length + 1 + this.lengthBytes > this.maxBytes) {
          const head = Buffer.concat([
            Buffer.from(this.header),
            chunk.subarray(i, i + PACKET_HEAD_BYTES),
          ]);
          return new PacketTooLargeError(this.length, this.maxBytes, head);
        }
        if ((byte & 0x80) === 0) {
          this.remaining = this.length;
          this.state = this.remaining === 0 ? 'type' : 'body';
        } else if (this.lengthBytes === 4) {
          return new Error('malformed remaining length'); // [MQTT-2.2.3]: at most 4 bytes
        }
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    return undefined;
  }
}

export class PacketTooLargeError extends Error {
  constructor(
    readonly declaredBytes: number,
    readonly maxBytes: number,
    /** The packet's first bytes as far as they had arrived (at most PACKET_HEAD_BYTES + 5). */
    readonly head: Uint8Array = new Uint8Array(0),
  ) {
    super(`packet declares at least ${declaredBytes} bytes, over the ${maxBytes}-byte limit`);
  }
}

/** MQTT control packet types ([MQTT-2.2.1]) the broker names in a dead letter. */
const PACKET_TYPES: Record<number, string> = { 1: 'CONNECT', 3: 'PUBLISH', 8: 'SUBSCRIBE' };

/**
 * What the first bytes of an oversize packet tell: its type, its whole declared size (the
 * remaining length, [MQTT-2.2.3], plus the fixed header) when all of its length bytes arrived,
 * and a PUBLISH's topic ([MQTT-3.3.2.1]: a two-byte length, then UTF-8) when it is all there.
 */
export function describePacketHead(head: Uint8Array): {
  type: string;
  declaredBytes?: number;
  topic?: string;
} {
  const typeNumber = (head[0] ?? 0) >> 4;
  const type = PACKET_TYPES[typeNumber] ?? `type ${typeNumber}`;
  let length = 0;
  let i = 1;
  for (let multiplier = 1; i < Math.min(head.length, 5); multiplier *= 128) {
    const byte = head[i++]!;
    length += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      const declaredBytes = length + i;
      if (typeNumber !== 3 || i + 2 > head.length) return { type, declaredBytes };
      const topicLength = (head[i]! << 8) | head[i + 1]!;
      const end = i + 2 + topicLength;
      if (end > head.length) return { type, declaredBytes };
      const topic = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(i + 2, end));
      return { type, declaredBytes, topic };
    }
  }
  return { type };
}

/**
 * Puts the scanner on the stream's own read path: every chunk the socket (or a WebSocket's
 * stream) pushes passes here, before Aedes can read it. (Wrapping the socket in a stream
 * pipeline instead, a transform per connection, cost a large part of the broker's throughput in
 * `pnpm bench ingest`.) Returns the same stream, destroyed once it carries an oversize packet.
 */
export function limitPacketSize<S extends Readable>(
  stream: S,
  maxBytes: number,
  onTooLarge: (error: Error) => void,
): S {
  const scanner = new PacketSizeScanner(maxBytes);
  const push = stream.push.bind(stream);
  let cut = false;
  stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
    // A WebSocket's stream may still push messages that arrived before it was destroyed.
    if (cut) return false;
    if (chunk instanceof Uint8Array) {
      const error = scanner.scan(chunk);
      if (error !== undefined) {
        cut = true;
        onTooLarge(error);
        stream.destroy();
        return false;
      }
    }
    return push(chunk, encoding);
  };
  return stream;
}
