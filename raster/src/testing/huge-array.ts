import type { ServerResponse } from 'node:http';

/** What `streamHugeArray` has written so far, for a test to print or bound. */
export interface StreamCount {
  bytes: number;
}

/**
 * Answers with a JSON array `[0,0,0,...]` of about `totalBytes`, written chunk by chunk and
 * waiting for the socket to drain, so the server never holds it: the hostile scene server of
 * the tests of bounded reads (here and in `tests/`). Stops when the client goes away.
 */
export async function streamHugeArray(
  response: ServerResponse,
  totalBytes: number,
  count: StreamCount = { bytes: 0 },
): Promise<void> {
  const chunk = Buffer.from('0,'.repeat(32 * 1024));
  let written = 0;
  response.write('[');
  while (written < totalBytes && !response.destroyed) {
    written += chunk.length;
    count.bytes += chunk.length;
    if (!response.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done).off('close', done);
          resolve();
        };
        response.on('drain', done).on('close', done);
      });
  }
  if (!response.destroyed) response.end('0]');
}
