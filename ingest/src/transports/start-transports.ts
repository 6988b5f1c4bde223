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
  const tcp = await listenTcp(options, host, options.port);
  const ws =
    options.wsPort === undefined ? undefined : await listenWebSocket(options, host, options.wsPort);
  const tls = options.tls === undefined ? undefined : await listenTls(options, host, options.tls);
  const open = [tcp, ws, tls].filter((server): server is Listening => server !== undefined);
  return {
    port: tcp.port,
    wsPort: ws?.port,
    tlsPort: tls?.port,
    async close() {
      for (const server of open) await server.close();
    },
  };
}
