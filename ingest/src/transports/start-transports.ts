import { listenTcp } from './tcp.js';
import { listenTls, type TlsOptions } from './tls.js';
import type { ConnectionSink, Listening } from './listen.js';
import { listenWebSocket } from './websocket.js';

export interface TransportOptions extends ConnectionSink {
  host: string;
  /** MQTT over TCP; 0 picks a free port. */
  port: number;
  /** MQTT over WebSocket (path /mqtt), when set. */
  wsPort?: number;
  tls?: TlsOptions;
}

export interface Transports {
  readonly port: number;
  readonly wsPort: number | undefined;
  readonly tlsPort: number | undefined;
  close(): Promise<void>;
}

/** The sockets in front of the broker: TCP, and WebSocket and TLS when configured. */
export async function startTransports(options: TransportOptions): Promise<Transports> {
  const { host } = options;
  const open: Listening[] = [];
  const closeAll = async () => {
    for (const server of open) await server.close();
  };
  const opened = <T extends Listening>(server: T): T => (open.push(server), server);
  try {
    const tcp = opened(await listenTcp(options, host, options.port));
    const ws =
      options.wsPort === undefined
        ? undefined
        : opened(await listenWebSocket(options, host, options.wsPort));
    const tls =
      options.tls === undefined ? undefined : opened(await listenTls(options, host, options.tls));
    return { port: tcp.port, wsPort: ws?.port, tlsPort: tls?.port, close: closeAll };
  } catch (error) {
    // One transport's port in use: the others it opened are closed, not left listening.
    await closeAll();
    throw error;
  }
}
