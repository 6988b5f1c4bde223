import { createServer } from 'node:http';
import { PacketTooLargeError, limitPacketSize } from '../limits/packet-size-limiter.js';
import { listen, type ConnectionSink, type Listening } from './listen.js';

/** Largest WebSocket message, in packets of the largest size (see listenWebSocket). */
const WS_MESSAGE_PACKETS = 4;

/**
 * MQTT over WebSocket, on path /mqtt. ws buffers a message whole before handing it on. Packets
 * need not align with messages ([MQTT-6.0.0-2]: one may carry several), so it may be a few
 * packets long; four packets' worth lets a packet over the limit reach the scanner, which
 * reports it with its head as over TCP. A message past that is cut by ws itself, and reported
 * without a head. (A client may send a packet's fixed header in a message of its own: then the
 * report has no topic.)
 */
export async function listenWebSocket(
  sink: ConnectionSink,
  host: string,
  port: number,
): Promise<Listening> {
  const http = createServer();
  // Loaded only when configured: most boxes speak plain TCP, and ws costs memory to load.
  const { WebSocketServer, createWebSocketStream } = await import('ws');
  const maxPayload = WS_MESSAGE_PACKETS * sink.maxPacketBytes;
  const wss = new WebSocketServer({ server: http, path: '/mqtt', maxPayload });
  wss.on('connection', (ws, request) => {
    const address = request.socket.remoteAddress ?? 'unknown';
    let reported = false; // the scanner and ws may both see one packet
    const tooLarge = (error: Error) => {
      if (!reported) sink.onTooLarge(stream, address, error);
      reported = true;
    };
    const stream = limitPacketSize(createWebSocketStream(ws), sink.maxPacketBytes, tooLarge);
    stream.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        tooLarge(new PacketTooLargeError(maxPayload, sink.maxPacketBytes));
    });
    sink.accept(stream, address);
  });
  return listen(http, port, host);
}
