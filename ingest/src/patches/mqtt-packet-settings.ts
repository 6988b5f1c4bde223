import { Module, createRequire } from 'node:module';
import type { Writable } from 'node:stream';

/**
 * Three settings of the mqtt-packet that Aedes parses and writes every packet with, made before
 * Aedes loads it. It is found from Aedes' own folder, so it is the instance Aedes uses.
 * Together they cut the garbage the broker makes per message, and with it its main thread's
 * GC time (measured with V8's sampling allocation profile over `pnpm bench ingest`).
 *
 * - Its `debug` loggers that DEBUG does not enable do nothing, without looking at their
 *   arguments. An inactive `debug` logger still gathers its arguments into an array (a rest
 *   parameter) before it finds it has nothing to do, and mqtt-packet calls its loggers at every
 *   step of parsing and writing a packet: a large share of all the garbage the broker made.
 *   Loggers that DEBUG enables are `debug`'s own, as before. (Any other package loading the
 *   same copy of `debug` gets the same: nothing changes for it but the garbage.)
 * - Its cache of message-id buffers is not built: 65,536 small Buffers, 6 MB of heap that every
 *   major GC marks, to save a 2-byte allocation per acknowledgement.
 * - A PUBACK is written as one buffer (see writePubackInOne).
 *
 * Call it before Aedes is imported. If mqtt-packet was loaded already (a test process that runs
 * MQTT.js clients too), the loggers stay as they are.
 */
export function tuneMqttPacket(): void {
  const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
  const packetPath = fromAedes.resolve('mqtt-packet');
  const fromPacket = createRequire(packetPath);
  if (fromPacket.cache[packetPath] === undefined) quietInactiveLoggers(fromPacket);
  const packet = fromPacket('mqtt-packet') as MqttPacket;
  packet.writeToStream.cacheNumbers = false;
  // Once per process, however many brokers it starts.
  if (!(IN_ONE in packet.writeToStream))
    packet.writeToStream = writePubackInOne(packet.writeToStream);
}

const IN_ONE = Symbol.for('shamba.writePubackInOne');

interface WriteToStream {
  (packet: { cmd: string }, stream: NodeJS.WritableStream, options?: unknown): boolean;
  cacheNumbers: boolean;
}
interface MqttPacket {
  writeToStream: WriteToStream;
}

/**
 * An MQTT 3.1.1 PUBACK is four bytes (§3.4: type 4, remaining length 2, the packet identifier),
 * written as one buffer. mqtt-packet writes its three parts as three corked writes, uncorked on
 * the next tick: three write requests for every acknowledgement. Anything else, and
 * a PUBACK with MQTT 5 reason codes or properties, goes to mqtt-packet as before.
 */
function uncork(stream: Writable): void {
  stream.uncork();
}

export function writePubackInOne(write: WriteToStream): WriteToStream {
  const writePuback = (
    packet: { cmd: string; messageId?: unknown; reasonCode?: unknown; properties?: unknown },
    stream: NodeJS.WritableStream,
    options?: unknown,
  ): boolean => {
    const id = packet.messageId;
    if (
      packet.cmd !== 'puback' ||
      options !== undefined ||
      packet.reasonCode !== undefined ||
      packet.properties !== undefined ||
      typeof id !== 'number' ||
      !Number.isInteger(id) ||
      id < 1 ||
      id > 0xffff
    )
      return write(packet, stream, options);
    // Corked until the next tick, as mqtt-packet does: a device's acknowledgements answered in
    // the same group commit leave in one system call.
    const socket = stream as NodeJS.WritableStream & Partial<Writable>;
    if (socket.cork !== undefined && socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork, socket);
    }
    return stream.write(Buffer.from([0x40, 0x02, id >> 8, id & 0xff]));
  };
  return Object.defineProperties(writePuback, {
    cacheNumbers: {
      get: () => write.cacheNumbers,
      set: (value: boolean) => (write.cacheNumbers = value),
    },
    [IN_ONE]: { value: true },
  }) as unknown as WriteToStream;
}

interface Logger {
  (...args: unknown[]): void;
  enabled: boolean;
  namespace: string;
}
interface CreateDebug {
  (namespace: string): Logger;
  enabled(namespace: string): boolean;
}

/** The `debug` mqtt-packet will load answers with do-nothing loggers for inactive namespaces. */
function quietInactiveLoggers(fromPacket: NodeJS.Require): void {
  const debugPath = fromPacket.resolve('debug');
  const real = fromPacket('debug') as CreateDebug;
  const quiet = Object.assign((namespace: string): Logger => {
    if (real.enabled(namespace)) return real(namespace);
    // No rest parameter and no `arguments`: a call allocates nothing.
    const logger = () => undefined;
    return Object.assign(logger, { enabled: false, namespace });
  }, real);
  const cached = new Module(debugPath);
  cached.filename = debugPath;
  cached.loaded = true;
  cached.exports = quiet;
  // mqtt-packet's require('debug') resolves to this same file and is answered from the cache.
  fromPacket.cache[debugPath] = cached;
}
