import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorResponse } from './errors.js';
import { jsonBody, limitBody } from './body.js';
import { problem } from '../testing/problem.js';

// JSON bodies are bounded before parsing by the route's `limitBody` (issue 13 cases 1 and 12):
// a 300 MB array must neither reach JSON.parse nor be held in memory.
const MiB = 2 ** 20;

/** A body of `[0,0,0,...]` of `totalBytes`, produced as it is read (no length declared). */
function streamedArray(totalBytes: number) {
  const chunk = new TextEncoder().encode('0,'.repeat(32 * 1024));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === 0) controller.enqueue(new TextEncoder().encode('['));
      if (sent >= totalBytes) {
        controller.enqueue(new TextEncoder().encode('0]'));
        controller.close();
        return;
      }
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return { body, sent: () => sent };
}

const app = new Hono()
  .post('/small', limitBody(64 * 1024), async (c) => c.json({ got: await jsonBody(c) }))
  .post('/larger', limitBody(256 * 1024), async (c) => c.json({ got: await jsonBody(c) }))
  .post('/optional', limitBody(1024), async (c) =>
    c.json({ got: await jsonBody(c, { empty: { apply: false } }) }),
  )
  .onError((error, c) => errorResponse(error, c));

const post = (path: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    // A stream body is sent as it is produced (fetch spec: duplex 'half').
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);

describe('limitBody and jsonBody', () => {
  it('refuses a 300 MB streamed array, reading no more than the limit of it', async () => {
    const before = process.memoryUsage().rss;
    const huge = streamedArray(300 * MiB);
    const response = await post('/small', huge.body);
    const after = process.memoryUsage().rss;
    console.log(
      `300 MB body refused after ${(huge.sent() / 1024).toFixed(0)} KiB read: RSS ${before >> 20} -> ${after >> 20} MiB`,
    );
    expect([response.status, response.headers.get('connection'), await response.json()]).toEqual([
      400,
      'close',
      problem('INVALID_REQUEST', 'body larger than 65536 bytes', { requestId: false }),
    ]);
    expect(huge.sent()).toBeLessThan(MiB);
    expect(after - before).toBeLessThan(64 * MiB);
  });

  it("refuses by the declared length before reading, and keeps each route's own limit", async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(100 * 1024) });
    const declared = { 'content-length': String(Buffer.byteLength(big)) };
    const refused = await post('/small', big, declared);
    expect([refused.status, refused.headers.get('connection'), await refused.json()]).toEqual([
      400,
      'close',
      problem('INVALID_REQUEST', 'body larger than 65536 bytes', { requestId: false }),
    ]);
    const allowed = await post('/larger', big, declared);
    expect([
      allowed.status,
      ((await allowed.json()) as { got: { pad: string } }).got.pad.length,
    ]).toEqual([200, 100 * 1024]);
    const over = await post('/larger', streamedArray(MiB).body);
    expect(await over.json()).toEqual(
      problem('INVALID_REQUEST', 'body larger than 262144 bytes', { requestId: false }),
    );
  });

  it('parses JSON, takes an empty body as the given default, refuses what is not JSON', async () => {
    expect(await (await post('/small', '[1,2]')).json()).toEqual({ got: [1, 2] });
    expect(await (await post('/optional', '')).json()).toEqual({ got: { apply: false } });
    const notJson = await post('/optional', '{apply');
    expect([notJson.status, await notJson.json()]).toEqual([
      400,
      problem('INVALID_REQUEST', 'the body is not JSON', { requestId: false }),
    ]);
    expect((await post('/small', '')).status).toBe(400);
  });
});
