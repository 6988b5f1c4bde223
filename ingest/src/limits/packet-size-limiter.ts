import { Duplex, Transform, type TransformCallback } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * Reads MQTT's fixed header as bytes arrive ([MQTT-2.2]: one type byte, then the remaining
 * length as a 1-4 byte varint) and cuts the connection as soon as a packet declares more than
 * `maxBytes`, before any of its body is buffered. Aedes has no limit of its own, and its parser
 * would otherwise hold up to 256 MB per connection waiting for a declared body.
 */
export class PacketSizeLimiter extends Transform {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        i++;
      } else if (this.state === 'length') {
        const byte = chunk[i++]!;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        this.lengthBytes++;
        if (this.length + 1 + this.lengthBytes > this.maxBytes) {
          return done(new PacketTooLargeError(this.length, this.maxBytes));
        }
        if ((byte & 0x80) === 0) {
          this.remaining = this.length;
          this.state = this.remaining === 0 ? 'type' : 'body';
        } else if (this.lengthBytes === 4) {
          return done(new Error('malformed remaining length')); // [MQTT-2.2.3]: at most 4 bytes
        }
      } else {
        const take = Math.min(this.remaining, chunk.length - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    done(null, chunk);
  }
}

export class PacketTooLargeError extends Error {
  constructor(
    readonly declaredBytes: number,
    readonly maxBytes: number,
  ) {
    super(`packet of ${declaredBytes} bytes exceeds the ${maxBytes}-byte limit`);
  }
}

/** The socket as Aedes should see it: reads through the limiter, writes straight through. */
export function limitPacketSize(
  socket: Socket,
  maxBytes: number,
  onTooLarge: (error: Error) => void,
): Duplex {
  const limiter = new PacketSizeLimiter(maxBytes);
  limiter.on('error', (error) => {
    onTooLarge(error);
    socket.destroy();
  });
  const conn = Duplex.from({ readable: socket.pipe(limiter), writable: socket });
  socket.on('close', () => conn.destroy());
  return conn;
}
