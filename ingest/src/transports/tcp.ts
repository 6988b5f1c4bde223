import { createServer, type Socket } from 'node:net';
import { limitPacketSize } from '../limits/packet-size-limiter.js';
import { listen, type ConnectionSink, type Listening } from './listen.js';

/** Hands a TCP socket (plain, or under TLS) to the broker, behind the packet-size limit. */
export function acceptSocket(sink: ConnectionSink): (socket: Socket) => void {
  return (socket) => {
    socket.on('error', () => undefined); // a reset from the field is routine
    // PUBACKs are tiny: without this, Nagle's algorithm holds each one back for the peer's
    // delayed ACK (tens of milliseconds) whenever a device keeps several publishes in flight.
    socket.setNoDelay(true);
    const address = socket.remoteAddress ?? 'unknown';
    sink.accept(
      limitPacketSize(socket, sink.maxPacketBytes, (error) =>
        sink.onTooLarge(socket, address, error),
      ),
      address,
    );
  };
}

/** MQTT over TCP; port 0 picks a free one. */
export function listenTcp(sink: ConnectionSink, host: string, port: number): Promise<Listening> {
  return listen(createServer(acceptSocket(sink)), port, host);
}
