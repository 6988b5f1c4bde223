import { createServer } from 'node:tls';
import { listen, type ConnectionSink, type Listening } from './listen.js';
import { acceptSocket } from './tcp.js';

export interface TlsOptions {
  port: number;
  /** PEM. */
  cert: string | Buffer;
  /** PEM. */
  key: string | Buffer;
}

/** MQTT over TLS: a TCP connection once its handshake is done. */
export function listenTls(sink: ConnectionSink, host: string, tls: TlsOptions): Promise<Listening> {
  const accept = acceptSocket(sink);
  const server = createServer({ cert: tls.cert, key: tls.key }, (socket) => accept(socket));
  return listen(server, tls.port, host);
}
