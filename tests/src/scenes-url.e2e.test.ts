import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serveFolder } from '@shamba/raster/testing';
import { seedScenario } from '@shamba/cli';
import { OROMIA_DEMO, createWorld, renderScene, writeScene } from '@shamba/world';
import { startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';
import { jobAnswer } from '@shamba/api/testing';

// A scene published as a STAC item with Cloud-Optimized GeoTIFF assets on an HTTP server (as
// Sentinel-2 archives are), registered over the API by its URL.
describe('scenes registered by URL', () => {
  it('reads the fields from the remote bands, stores their indices, and refuses what is not a URL', async () => {
    using dir = tempDir();
    const published = join(dir.path, 'published');
    const start = Date.UTC(2026, 10, 10);
    const world = createWorld(OROMIA_DEMO, start);
    world.advanceTo(start + 6 * 3_600_000);
    const scene = renderScene(OROMIA_DEMO, world, { seed: 9 });
    writeScene(scene, join(published, scene.id));
    const server = await serveFolder(published);
    try {
      // The COG server is on loopback, which the default policy refuses: allowed here by address.
      await using shamba = await startShamba(join(dir.path, 'data'), {
        remoteAccess: { allowPrivateAddresses: ['127.0.0.1'] },
      });
      const { tokens } = await seedScenario(shamba.registry, OROMIA_DEMO, { atMs: start });
      const post = (body: unknown, token = tokens.agronomist) =>
        fetch(`${shamba.api.url}/v1/scenes`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const itemUrl = `${server.url}/${scene.id}/${scene.id}.json`;
      expect((await post({ itemUrl }, tokens.farmer)).status).toBe(403);
      expect((await post({ itemUrl: `file://${published}/${scene.id}/item.json` })).status).toBe(
        400,
      );

      // A registration is a job (202), followed to its end.
      const registered = async (token = tokens.agronomist) =>
        jobAnswer(
          (path) =>
            fetch(`${shamba.api.url}${path}`, { headers: { authorization: `Bearer ${token}` } }),
          await post({ itemUrl }, token),
        );
      const [first, result] = await registered();
      expect(first).toBe('succeeded');
      expect(result).toMatchObject({ sceneId: scene.id, outcome: 'processed' });
      const series = await shamba.registry.scenes.fieldSeries('field-tolosa-maize');
      expect(series.map((s) => s.sceneId)).toEqual([scene.id]);
      expect((series[0]!.indices as { status: string }).status).toMatch(/ok|cloudy/);
      // Registering it again changes nothing.
      const [again, known] = await registered();
      expect([again, (known as { outcome: string }).outcome]).toEqual(['succeeded', 'known']);
      const list = (await (
        await fetch(`${shamba.api.url}/v1/scenes`, {
          headers: { authorization: `Bearer ${tokens.manager}` },
        })
      ).json()) as { scenes: { id: string }[] };
      expect(list.scenes.map((s) => s.id)).toEqual([scene.id]);
      expect(server.bytesSent()).toBeGreaterThan(0);
      // The cooperative's image, for the manager's dashboard.
      const png = await fetch(`${shamba.api.url}/v1/coops/${OROMIA_DEMO.coop.id}/ndvi.png`, {
        headers: { authorization: `Bearer ${tokens.manager}` },
      });
      expect([png.status, png.headers.get('content-type'), png.headers.get('x-scene-id')]).toEqual([
        200,
        'image/png',
        scene.id,
      ]);
      const bytes = Buffer.from(await png.arrayBuffer());
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR: the four plots' extent at 8x, wider than one plot.
      expect(bytes.readUInt32BE(16)).toBeGreaterThan(100);
    } finally {
      await server.close();
    }
  });
});
