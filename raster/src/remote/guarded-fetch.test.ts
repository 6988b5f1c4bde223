import { scrypt } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShambaError } from '@shamba/schemas';
import { serveDns, streamHugeArray } from '../testing/index.js';
import { readSceneItem } from '../scenes/stac-item.js';
import {
  MAX_CONCURRENT_FETCHES,
  MAX_QUEUED_FETCHES,
  remoteFetchesQueued,
  remoteGet,
} from './guarded-fetch.js';

// A hostile scene server on loopback (issue 13 cases 1, 5, 6): huge bodies, redirects to
// internal addresses, ranges longer than asked, a server that never answers.
const LOOPBACK = { allowPrivateAddresses: ['127.0.0.1'] };
const MiB = 2 ** 20;
const refusal = { code: 'INVALID_REQUEST', message: 'the scene URL was refused' };
const failure = { code: 'RASTER_INVALID', message: 'the scene could not be fetched' };

const streamed = { bytes: 0 };

let requests: string[] = [];
let held: ServerResponse[] = [];
const server = createServer((request, response) => {
  const path = request.url ?? '';
  requests.push(path);
  const port = (server.address() as AddressInfo).port;
  if (path === '/huge-chunked.json') {
    void streamHugeArray(response, 300 * MiB, streamed);
  } else if (path === '/huge-declared.json') {
    response.setHeader('content-length', 300 * MiB);
    void streamHugeArray(response, 300 * MiB, streamed);
  } else if (path.startsWith('/redirect?to=')) {
    const to = decodeURIComponent(path.slice('/redirect?to='.length)).replace('PORT', `${port}`);
    response.writeHead(302, { location: to }).end();
  } else if (path === '/item.json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  } else if (path === '/long-range') {
    // Asked for 100 bytes, claims them, then sends 10 MiB without a Content-Length.
    response.writeHead(206, { 'content-range': 'bytes 0-99/100000000' });
    void streamHugeArray(response, 10 * MiB, streamed);
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
      streamed.bytes = 0;
      const before = process.memoryUsage().rss;
      await expect(
        readSceneItem(`${base()}${path}`, { remoteAccess: LOOPBACK }),
      ).rejects.toMatchObject({ code: 'RASTER_INVALID', message: 'STAC item larger than 1 MiB' });
      const after = process.memoryUsage().rss;
      console.log(
        `${path}: RSS ${(before / MiB).toFixed(0)} MiB -> ${(after / MiB).toFixed(0)} MiB; server wrote ${(streamed.bytes / MiB).toFixed(1)} MiB of 300`,
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

  it(`has at most ${MAX_CONCURRENT_FETCHES} fetches in flight and ${MAX_QUEUED_FETCHES} waiting; refuses more`, async () => {
    held = [];
    const count = MAX_CONCURRENT_FETCHES + MAX_QUEUED_FETCHES;
    const all = Array.from({ length: count }, () =>
      remoteGet({ url: `${base()}/hold`, access: LOOPBACK, maxBytes: MiB, tooLarge }),
    );
    while (held.length < MAX_CONCURRENT_FETCHES) await new Promise((r) => setImmediate(r));
    expect([held.length, remoteFetchesQueued()]).toEqual([
      MAX_CONCURRENT_FETCHES,
      MAX_QUEUED_FETCHES,
    ]);
    // One more is refused at once, without a request: the queue does not grow.
    const before = requests.length;
    await expect(
      remoteGet({ url: `${base()}/item.json`, access: LOOPBACK, maxBytes: MiB, tooLarge }),
    ).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: 'too many remote scene reads waiting: try later',
    });
    expect(requests.length).toBe(before);
    // Answer each held request as it comes: the queue drains four at a time.
    let answered = 0;
    while (answered < count) {
      const next = held.shift();
      if (next === undefined) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      next.writeHead(200).end(`${answered++}`);
    }
    expect((await Promise.all(all)).map((r) => r.status)).toEqual(Array(count).fill(200));
    expect(remoteFetchesQueued()).toBe(0);
  });

  it('resolves names in a slot, off the thread pool: slow DNS stalls neither files nor crypto', async () => {
    await using dns = Object.assign(
      await serveDns(
        Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`slow-${i}.test`, 'silent'])),
      ),
      { [Symbol.asyncDispose]: () => dns.close() },
    );
    const stop = new AbortController();
    let settled = 0;
    const all = Array.from({ length: 10 }, (_, i) =>
      remoteGet({
        url: `http://slow-${i}.test/item.json`,
        access: { dnsServers: [dns.server] },
        maxBytes: MiB,
        tooLarge,
        signal: stop.signal,
      }).finally(() => settled++),
    );
    const names = () => new Set(dns.asked());
    while (names().size < MAX_CONCURRENT_FETCHES) await new Promise((r) => setImmediate(r));
    // Only the reads holding a slot have asked; the others wait without a lookup.
    expect([names().size, remoteFetchesQueued()]).toEqual([MAX_CONCURRENT_FETCHES, 6]);
    // More file reads and key derivations than libuv has pool threads (4) all finish while the
    // names hang: c-ares waits on the event loop, getaddrinfo would hold those threads.
    await Promise.all([
      ...Array.from({ length: 8 }, () => readFile(import.meta.filename)),
      ...Array.from(
        { length: 8 },
        () =>
          new Promise((resolve, reject) =>
            scrypt('secret', 'salt', 16, { N: 1024 }, (e, key) => (e ? reject(e) : resolve(key))),
          ),
      ),
    ]);
    expect(settled).toBe(0);
    // The caller's deadline ends the lookups; each is refused like a name that does not exist.
    stop.abort();
    const outcomes = await Promise.allSettled(all);
    expect(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code: string }).code : o)),
    ).toEqual(Array(10).fill('INVALID_REQUEST'));
    expect(remoteFetchesQueued()).toBe(0);
  });
});
