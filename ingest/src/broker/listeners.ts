import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { PacketTooLargeError, limitPacketSize } from '../limits/packet-size-limiter.js';

export interface ListenerOptions {
  host: string;
  /** MQTT over TCP; 0 picks a free port. */
  port: number;
  /** MQTT over WebSocket (path /mqtt), when set. */
  wsPort?: number;
  tls?: { port: number; cert: string | Buffer; key: string | Buffer };
  maxPacketBytes: number;
  /** Hands a connection to the broker, with the peer's address. */
  accept(stream: Duplex, address: string): void;
  /** A connection (the stream given to `accept`) that sent a packet over `maxPacketBytes`. */
  onTooLarge(stream: Duplex, address: string, error: Error): void;
}

export interface Listeners {
  readonly port: number;
  readonly wsPort: number | undefined;
  readonly tlsPort: number | undefined;
  close(): Promise<void>;
}

/** Largest WebSocket message, in packets of the largest size (see startListeners). */
const WS_MESSAGE_PACKETS = 4;

/** The sockets in front of the broker: TCP, and WebSocket and TLS when configured. */
export async function startListeners(options: ListenerOptions): Promise<Listeners> {
  const { host } = options;
  const handle = (socket: Socket) => {
    socket.on('error', () => undefined); // a reset from the field is routine
    // PUBACKs are tiny: without this, Nagle's algorithm holds each one back for the peer's
    // delayed ACK (tens of milliseconds) whenever a device keeps several publishes in flight.
    socket.setNoDelay(true);
    const address = socket.remoteAddress ?? 'unknown';
    options.accept(
      limitPacketSize(socket, options.maxPacketBytes, (error) =>
        options.onTooLarge(socket, address, error),
      ),
      address,
    );
  };
  const servers: (Server | HttpServer)[] = [];
  const server = createServer(handle);
  await listen(server, options.port, host);
  servers.push(server);
  const port = (server.address() as AddressInfo).port;

  let wsPort: number | undefined;
  if (options.wsPort !== undefined) {
    const http = createHttpServer();
    // Loaded only when configured: most boxes speak plain TCP, and ws costs memory to load.
    const { WebSocketServer, createWebSocketStream } = await import('ws');
    // ws buffers a message whole before handing it on. Packets need not align with messages
    // ([MQTT-6.0.0-2]: one may carry several), so it may be a few packets long; four packets' worth lets a
    // packet over the limit reach the scanner, which reports it with its head as over TCP. A
    // message past that is cut by ws itself, and reported without a head. (A client may send a
    // packet's fixed header in a message of its own: then the report has no topic.)
    const maxPayload = WS_MESSAGE_PACKETS * options.maxPacketBytes;
    const wss = new WebSocketServer({ server: http, path: '/mqtt', maxPayload });
    wss.on('connection', (ws, request) => {
      const address = request.socket.remoteAddress ?? 'unknown';
      let reported = false; // the scanner and ws may both see one packet
      const tooLarge = (error: Error) => {
        if (!reported) options.onTooLarge(stream, address, error);
        reported = true;
      };
      const stream = limitPacketSize(createWebSocketStream(ws), options.maxPacketBytes, tooLarge);
      stream.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
          tooLarge(new PacketTooLargeError(maxPayload, options.maxPacketBytes));
      });
      options.accept(stream, address);
    });
    await listen(http, options.wsPort, host);
    servers.push(http);
    wsPort = (http.address() as AddressInfo).port;
  }
  let tlsPort: number | undefined;
  if (options.tls !== undefined) {
    const tls = createTlsServer({ cert: options.tls.cert, key: options.tls.key }, (socket) =>
      handle(socket),
    );
    await listen(tls, options.tls.port, host);
    servers.push(tls);
    tlsPort = (tls.address() as AddressInfo).port;
  }

  return {
    port,
    wsPort,
    tlsPort,
    async close() {
      for (const s of servers) {
        if ('closeAllConnections' in s) s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

function listen(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
