import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShambaError } from '@shamba/schemas';
import { readSceneItem } from '../stac-item.js';
import { MAX_CONCURRENT_FETCHES, remoteFetchesQueued, remoteGet } from './guarded-fetch.js';

// A hostile scene server on loopback (issue 13 cases 1, 5, 6): huge bodies, redirects to
// internal addresses, ranges longer than asked, a server that never answers.
const LOOPBACK = { allowPrivateAddresses: ['127.0.0.1'] };
const MiB = 2 ** 20;
const refusal = { code: 'INVALID_REQUEST', message: 'the scene URL was refused' };
const failure = { code: 'RASTER_INVALID', message: 'the scene could not be fetched' };

let streamedBytes = 0;

/** Streams `[0,0,0,...]` up to `totalBytes`, waiting for the socket to drain: never in memory. */
async function streamHugeArray(response: ServerResponse, totalBytes: number) {
  const chunk = Buffer.from('0,'.repeat(32 * 1024));
  response.write('[');
  while (streamedBytes < totalBytes && !response.destroyed) {
    streamedBytes += chunk.length;
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

let requests: string[] = [];
let held: ServerResponse[] = [];
const server = createServer((request, response) => {
  const path = request.url ?? '';
  requests.push(path);
  const port = (server.address() as AddressInfo).port;
  if (path === '/huge-chunked.json') {
    void streamHugeArray(response, 300 * MiB);
  } else if (path === '/huge-declared.json') {
    response.setHeader('content-length', 300 * MiB);
    void streamHugeArray(response, 300 * MiB);
  } else if (path.startsWith('/redirect?to=')) {
    const to = decodeURIComponent(path.slice('/redirect?to='.length)).replace('PORT', `${port}`);
    response.writeHead(302, { location: to }).end();
  } else if (path === '/item.json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } else if (path === '/long-range') {
    // Asked for 100 bytes, claims them, then sends 10 MiB without a Content-Length.
    response.writeHead(206, { 'content-range': 'bytes 0-99/100000000' });
    void streamHugeArray(response, 10 * MiB);
  } else if (path === '/wrong-range') {
    response.writeHead(206, { 'content-range': 'bytes 0-999999/100000000' }).end('x');
  } else if (path.startsWith('/stac/')) {
    // An item whose B04 href is the rest of the path.
    const href = decodeURIComponent(path.slice('/stac/'.length));
    response.writeHead(200).end(
      JSON.stringify({
        id: 'S2',
        properties: { datetime: '2026-11-20T07:55:00Z' },
        assets: { B04: { href } },
      }),
    );
  } else if (path === '/hold') {
    held.push(response);
  } else if (path === '/never') {
    // Headers never come: the caller's deadline must end it.
  } else {
    response.writeHead(404).end('{"secret":"internal"}');
  }
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});
const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const tooLarge = () => new ShambaError('RASTER_INVALID', 'too large');

describe('remoteGet', () => {
  it('refuses loopback in any spelling by default, before connecting, saying nothing else', async () => {
    requests = [];
    const port = (server.address() as AddressInfo).port;
    for (const url of [
      `http://127.0.0.1:${port}/item.json`,
      `http://2130706433:${port}/item.json`,
      `http://0x7f000001:${port}/item.json`,
      `http://[::1]:${port}/item.json`,
      `http://localhost:${port}/item.json`,
    ]) {
      await expect(remoteGet({ url, maxBytes: MiB, tooLarge }), url).rejects.toMatchObject(refusal);
    }
    expect(requests).toEqual([]);
  });

  it('re-checks every redirect: to metadata, to another loopback address or to a file is refused', async () => {
    requests = [];
    const via = (to: string) => `${base()}/redirect?to=${encodeURIComponent(to)}`;
    for (const to of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.2:PORT/item.json',
      'http://[::1]:PORT/item.json',
      'file:///etc/passwd',
    ]) {
      await expect(
        remoteGet({ url: via(to), access: LOOPBACK, maxBytes: MiB, tooLarge }),
        to,
      ).rejects.toMatchObject(refusal);
    }
    // Only the redirecting server was reached; an allowed hop is followed.
    expect(requests.every((r) => r.startsWith('/redirect'))).toBe(true);
    const followed = await remoteGet({
      url: via('http://127.0.0.1:PORT/item.json'),
      access: LOOPBACK,
      maxBytes: MiB,
      tooLarge,
    });
    expect([followed.status, followed.body.toString()]).toEqual([200, '{"ok":true}']);
  });

  it('hides the status and body of a failed fetch', async () => {
    const error = await remoteGet({
      url: `${base()}/missing`,
      access: LOOPBACK,
      maxBytes: MiB,
      tooLarge,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject(failure);
    expect(JSON.stringify({ message: (error as Error).message })).not.toMatch(/404|secret|127/);
  });

  it('stops a 300 MB STAC item at 1 MiB, with or without a Content-Length, memory flat', async () => {
    for (const path of ['/huge-chunked.json', '/huge-declared.json']) {
      streamedBytes = 0;
      const before = process.memoryUsage().rss;
      await expect(
        readSceneItem(`${base()}${path}`, { remoteAccess: LOOPBACK }),
      ).rejects.toMatchObject({ code: 'RASTER_INVALID', message: 'STAC item larger than 1 MiB' });
      const after = process.memoryUsage().rss;
      console.log(
        `${path}: RSS ${(before / MiB).toFixed(0)} MiB -> ${(after / MiB).toFixed(0)} MiB; server wrote ${(streamedBytes / MiB).toFixed(1)} MiB of 300`,
      );
      expect(after - before).toBeLessThan(64 * MiB);
    }
  });

  it("resolves a remote item's hrefs against its URL, keeps the policy, refuses file: hrefs", async () => {
    const item = await readSceneItem(`${base()}/stac/${encodeURIComponent('../B04.tif')}`, {
      remoteAccess: LOOPBACK,
    });
    expect(item.bands.B04).toEqual({
      path: `${base()}/B04.tif`,
      scale: 1,
      offset: 0,
      nodata: null,
      remoteAccess: LOOPBACK,
    });
    for (const href of ['file:///etc/passwd', 'data:,x']) {
      await expect(
        readSceneItem(`${base()}/stac/${encodeURIComponent(href)}`, { remoteAccess: LOOPBACK }),
        href,
      ).rejects.toMatchObject(refusal);
    }
  });

  it('refuses a range answer longer than asked, or for another range', async () => {
    const get = (path: string) =>
      remoteGet({
        url: `${base()}${path}`,
        access: LOOPBACK,
        range: { from: 0, to: 99 },
        maxBytes: MiB,
        tooLarge,
      });
    await expect(get('/long-range')).rejects.toMatchObject({ message: 'too large' });
    await expect(get('/wrong-range')).rejects.toMatchObject(failure);
  });

  it('gives up on a server that never answers, and frees its slot', async () => {
    await expect(
      remoteGet({
        url: `${base()}/never`,
        access: LOOPBACK,
        maxBytes: MiB,
        tooLarge,
        timeoutMs: 300,
      }),
    ).rejects.toMatchObject(failure);
    const ok = await remoteGet({
      url: `${base()}/item.json`,
      access: LOOPBACK,
      maxBytes: MiB,
      tooLarge,
    });
    expect(ok.body.toString()).toBe('{"ok":true}');
  });

  it(`has at most ${MAX_CONCURRENT_FETCHES} fetches in flight; the rest wait their turn`, async () => {
    held = [];
    const all = Array.from({ length: 10 }, () =>
      remoteGet({ url: `${base()}/hold`, access: LOOPBACK, maxBytes: MiB, tooLarge }),
    );
    while (held.length < MAX_CONCURRENT_FETCHES) await new Promise((r) => setImmediate(r));
    expect([held.length, remoteFetchesQueued()]).toEqual([MAX_CONCURRENT_FETCHES, 6]);
    // Answer each held request as it comes: the queue drains four at a time.
    let answered = 0;
    while (answered < 10) {
      const next = held.shift();
      if (next === undefined) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      next.writeHead(200).end(`${answered++}`);
    }
    expect((await Promise.all(all)).map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(remoteFetchesQueued()).toBe(0);
  });
});
