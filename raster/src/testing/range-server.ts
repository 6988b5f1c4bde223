import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

/**
 * A folder served over HTTP on loopback, with single byte ranges (206) as object stores serve
 * Cloud-Optimized GeoTIFFs: for the tests of remote scenes (here and in `tests/`).
 * `bytesSent` counts what left the server; `honourRange(false)` makes it answer every request
 * with the whole file, as a server without range support does.
 */
export async function serveFolder(root: string) {
  let ranges = true;
  let bytesSent = 0;
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(request.url!.split('?')[0]!)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    readFile(join(root, path)).then(
      (body) => {
        const match = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
        if (match === null || !ranges) {
          bytesSent += body.length;
          response.writeHead(200, { 'content-length': body.length }).end(body);
          return;
        }
        const from = Number(match[1]);
        const to = Math.min(Number(match[2]), body.length - 1);
        bytesSent += to - from + 1;
        response
          .writeHead(206, {
            'content-range': `bytes ${from}-${to}/${body.length}`,
            'content-length': to - from + 1,
          })
          .end(body.subarray(from, to + 1));
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bytesSent: () => bytesSent,
    honourRange: (on: boolean) => {
      ranges = on;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
