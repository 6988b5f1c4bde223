import type { Server as HttpServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import type { Duplex } from 'node:stream';

/** Where every transport hands its connections: the broker, behind the packet-size limit. */
export interface ConnectionSink {
  maxPacketBytes: number;
  /** Hands a connection to the broker, with the peer's address. */
  accept(stream: Duplex, address: string): void;
  /** A connection (the stream given to `accept`) that sent a packet over `maxPacketBytes`. */
  onTooLarge(stream: Duplex, address: string, error: Error): void;
}

/** A server bound to its port. */
export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/** Binds `server` (0 picks a free port); closing it also drops an HTTP server's connections. */
export async function listen(
  server: Server | HttpServer,
  port: number,
  host: string,
): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
