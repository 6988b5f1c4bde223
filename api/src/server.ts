import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { App } from './app.js';

export interface ApiServer extends AsyncDisposable {
  readonly url: string;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  app: App;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: options.app.fetch, hostname: host, port: options.port ?? 8787 },
      (info: AddressInfo) => {
        server.off('error', reject);
        const close = () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets would otherwise hold close() open for minutes.
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
        resolve({ url: `http://${host}:${info.port}`, close, [Symbol.asyncDispose]: close });
      },
    );
    server.once('error', reject);
  });
}
