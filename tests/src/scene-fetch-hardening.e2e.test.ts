import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamHugeArray } from '@shamba/raster/testing';
import { seedScenario } from '@shamba/cli';
import { OROMIA_DEMO, createWorld, renderScene, writeScene } from '@shamba/world';
import { startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';
import { problem } from '@shamba/api/testing';
import { jobAnswer } from '@shamba/api/testing';

// Issue 13 cases 1, 5, 6, 7 and 17 against the whole system, as a hostile cooperative member
// would try them: URLs at internal addresses, a 300 MB item, asset hrefs out of the upload,
// a multipart request without a boundary. Each is refused, says nothing about the box, and the
// process stays up with its memory flat.
const MiB = 2 ** 20;
const START = Date.UTC(2026, 10, 12);

let requests: string[] = [];
const streamed = { bytes: 0 };
const hostile = createServer((request, response) => {
  requests.push(request.url ?? '');
  if (request.url === '/huge.json') void streamHugeArray(response, 300 * MiB, streamed);
  else if (request.url === '/to-metadata')
    response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
  else response.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":1}');
});
beforeAll(async () => {
  hostile.listen(0, '127.0.0.1');
  await once(hostile, 'listening');
});
afterAll(async () => {
  hostile.closeAllConnections();
  hostile.close();
  await once(hostile, 'close');
});
const port = () => (hostile.address() as AddressInfo).port;

/** Every path under `root`, recursively, relative to it. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).sort();
}

/** A registration job that failed: its status and its problem (status, code, detail). */
const failed = (status: number, code: string, detail: string) => [status, { status, code, detail }];

/** The API of the test's running box, for following jobs (set by each test). */
let apiUrl = '';
const asUser = (token: string) => (path: string) =>
  fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('scene fetching and uploads under attack', () => {
  it('refuses internal URLs by default without contacting them or saying what is there', async () => {
    using dir = tempDir();
    await using shamba = await startShamba(join(dir.path, 'data'));
    apiUrl = shamba.api.url;
    const { tokens } = await seedScenario(shamba.registry, OROMIA_DEMO, { atMs: START });
    requests = [];
    const refused = [];
    for (const itemUrl of [
      `http://127.0.0.1:${port()}/item.json`,
      `http://2130706433:${port()}/item.json`,
      `http://0x7f000001:${port()}/item.json`,
      `http://[::1]:${port()}/item.json`,
      `http://localhost:${port()}/item.json`,
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      const response = await fetch(`${shamba.api.url}/v1/scenes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.manager}`, 'content-type': 'application/json' },
        body: JSON.stringify({ itemUrl }),
      });
      refused.push(await jobAnswer(asUser(tokens.manager), response));
    }
    expect(refused).toEqual(
      Array(6).fill(failed(400, 'INVALID_REQUEST', 'the scene URL was refused')),
    );
    expect(requests).toEqual([]);
    expect((await fetch(`${shamba.api.url}/v1/health`)).status).toBe(200);
  });

  it('stops a 300 MB item at 1 MiB and refuses a redirect to metadata, memory flat', async () => {
    using dir = tempDir();
    // The hostile server is on loopback: that one address is allowed, as a test must.
    await using shamba = await startShamba(join(dir.path, 'data'), {
      remoteAccess: { allowPrivateAddresses: ['127.0.0.1'] },
    });
    apiUrl = shamba.api.url;
    const { tokens } = await seedScenario(shamba.registry, OROMIA_DEMO, { atMs: START });
    const register = async (itemUrl: string) => {
      const response = await fetch(`${shamba.api.url}/v1/scenes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.manager}`, 'content-type': 'application/json' },
        body: JSON.stringify({ itemUrl }),
      });
      return jobAnswer(asUser(tokens.manager), response);
    };
    const before = process.memoryUsage().rss;
    streamed.bytes = 0;
    expect(await register(`http://127.0.0.1:${port()}/huge.json`)).toEqual(
      failed(422, 'RASTER_INVALID', 'STAC item larger than 1 MiB'),
    );
    const after = process.memoryUsage().rss;
    console.log(
      `300 MB item: RSS ${before >> 20} -> ${after >> 20} MiB, server got to send ${(streamed.bytes / MiB).toFixed(1)} MiB`,
    );
    expect(after - before).toBeLessThan(64 * MiB);
    expect(await register(`http://127.0.0.1:${port()}/to-metadata`)).toEqual(
      failed(400, 'INVALID_REQUEST', 'the scene URL was refused'),
    );
    expect((await fetch(`${shamba.api.url}/v1/health`)).status).toBe(200);
  });

  it('refuses uploads whose hrefs leave the upload, an oversize item, and a missing boundary', async () => {
    using dir = tempDir();
    const world = createWorld(OROMIA_DEMO, START);
    world.advanceTo(START + 6 * 3_600_000);
    const scene = renderScene(OROMIA_DEMO, world, { seed: 3 });
    const folder = join(dir.path, 'laptop');
    writeScene(scene, folder);
    const itemName = readdirSync(folder).find((n) => n.endsWith('.json'))!;
    const item = JSON.parse(readFileSync(join(folder, itemName), 'utf8')) as {
      assets: Record<string, { href: string }>;
    };
    const dataDir = join(dir.path, 'data');
    const scenesDir = join(dir.path, 'scenes');
    await using shamba = await startShamba(dataDir, { scenesDir });
    apiUrl = shamba.api.url;
    const { tokens } = await seedScenario(shamba.registry, OROMIA_DEMO, { atMs: START });
    const upload = async (files: { name: string; bytes: Uint8Array | string }[]) => {
      const form = new FormData();
      for (const f of files) form.append('file', new Blob([f.bytes]), f.name);
      const response = await fetch(`${shamba.api.url}/v1/scenes/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.agronomist}` },
        body: form,
      });
      return jobAnswer(asUser(tokens.agronomist), response);
    };
    const bands = readdirSync(folder)
      .filter((n) => n !== itemName)
      .map((name) => ({ name, bytes: readFileSync(join(folder, name)) }));
    for (const href of [
      '../../data/registry.sqlite',
      '/etc/passwd',
      '/proc/self/environ',
      `file://${join(dataDir, 'registry.sqlite')}`,
    ]) {
      const hostileItem = { ...item, assets: { ...item.assets, B04: { href } } };
      const [status, body] = await upload([
        ...bands,
        { name: itemName, bytes: JSON.stringify(hostileItem) },
      ]);
      expect([status, body], href).toEqual(
        failed(
          422,
          'RASTER_INVALID',
          'asset "B04": an href must be a relative path inside the scene\'s folder or an http(s) URL',
        ),
      );
    }
    const [missingStatus, missing] = await upload([
      { name: itemName, bytes: JSON.stringify(item) }, // its band files left at home
    ]);
    expect(missingStatus).toBe(422);
    expect(JSON.stringify(missing)).not.toContain(dir.path);
    expect(JSON.stringify(missing)).toMatch(/no such file in the scene's folder/);

    const big = join(dir.path, 'big.json');
    writeFileSync(big, `[${'0,'.repeat(MiB / 2)}0]`);
    expect(await upload([{ name: 'item.json', bytes: readFileSync(big) }])).toEqual(
      failed(422, 'RASTER_INVALID', 'STAC item larger than 1 MiB'),
    );

    const beforeTree = tree(scenesDir);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${shamba.api.url}/v1/scenes/upload`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.agronomist}`,
          'content-type': 'multipart/form-data',
        },
        body: '--x\r\n\r\n',
      });
      expect([response.status, await response.json()]).toEqual([
        400,
        problem('INVALID_REQUEST', 'a multipart/form-data body needs a boundary'),
      ]);
    }
    expect(tree(scenesDir)).toEqual(beforeTree);
    expect((await fetch(`${shamba.api.url}/v1/health`)).status).toBe(200);
  });
});
