import { Module, createRequire } from 'node:module';

/**
 * Two settings of the mqtt-packet that Aedes parses and writes every packet with, made before
 * Aedes loads it. It is found from Aedes' own folder, so it is the instance Aedes uses.
 *
 * - Its `debug` loggers that DEBUG does not enable do nothing, without looking at their
 *   arguments. An inactive `debug` logger still gathers its arguments into an array (a rest
 *   parameter) before it finds it has nothing to do, and mqtt-packet calls its loggers about ten
 *   times a message: about 1.2 KB of garbage a message, a seventh of all the broker allocated in
 *   `pnpm bench ingest`. Loggers that DEBUG enables are `debug`'s own, as before. (Any other
 *   package loading the same copy of `debug` gets the same: nothing changes for it but the
 *   garbage.)
 * - Its cache of message-id buffers is not built: 65,536 small Buffers, 6 MB of heap that every
 *   major GC marks, to save a 2-byte allocation per acknowledgement.
 *
 * Call it before Aedes is imported. If mqtt-packet was loaded already (a test process that runs
 * MQTT.js clients too), only the second setting takes effect.
 */
export function tuneMqttPacket(): void {
  const fromAedes = createRequire(createRequire(import.meta.url).resolve('aedes'));
  const packetPath = fromAedes.resolve('mqtt-packet');
  const fromPacket = createRequire(packetPath);
  if (fromPacket.cache[packetPath] === undefined) quietInactiveLoggers(fromPacket);
  const packet = fromPacket('mqtt-packet') as { writeToStream: { cacheNumbers: boolean } };
  packet.writeToStream.cacheNumbers = false;
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
