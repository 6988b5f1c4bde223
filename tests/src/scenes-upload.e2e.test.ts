import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedScenario } from '@shamba/cli';
import { OROMIA_DEMO, createWorld, renderScene, writeScene } from '@shamba/world';
import { startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';
import { jobAnswer } from '@shamba/api/testing';

// A scene brought on a laptop: its STAC item and band files uploaded in one multipart request,
// streamed to disk under a size limit, then processed like a scene from the watch folder.
describe('scene upload', () => {
  it("streams an upload to the cooperative's uploads folder and processes it; refuses oversize and bad names, leaving nothing", async () => {
    using dir = tempDir();
    const start = Date.UTC(2026, 10, 12);
    const world = createWorld(OROMIA_DEMO, start);
    world.advanceTo(start + 6 * 3_600_000);
    const scene = renderScene(OROMIA_DEMO, world, { seed: 3 });
    const folder = join(dir.path, 'laptop');
    writeScene(scene, folder);
    const names = readdirSync(folder);
    const total = names.reduce((s, n) => s + readFileSync(join(folder, n)).length, 0);
    const scenesDir = join(dir.path, 'scenes');
    await using shamba = await startShamba(join(dir.path, 'data'), {
      scenesDir,
      maxSceneUploadBytes: total + 64 * 1024,
    });
    const { tokens } = await seedScenario(shamba.registry, OROMIA_DEMO, { atMs: start });
    const upload = (files: { name: string; bytes: Uint8Array }[], token = tokens.agronomist) => {
      const form = new FormData();
      for (const f of files) form.append('file', new Blob([f.bytes]), f.name);
      return fetch(`${shamba.api.url}/v1/scenes/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
    };
    const files = names.map((name) => ({ name, bytes: readFileSync(join(folder, name)) }));
    // Once received, the registration is a job (202), followed to its end.
    const registered = async (response: Response) =>
      jobAnswer(
        (path) =>
          fetch(`${shamba.api.url}${path}`, {
            headers: { authorization: `Bearer ${tokens.agronomist}` },
          }),
        response,
      );

    expect((await upload(files, tokens.farmer)).status).toBe(403);
    const big = await upload([
      ...files.slice(0, 1),
      { name: 'padding.bin', bytes: new Uint8Array(total + 128 * 1024) },
    ]);
    expect(big.status, await big.clone().text()).toBe(400);
    expect(((await big.json()) as { detail: string }).detail).toMatch(/upload larger than/);
    // A path in a file name is dropped (busboy keeps the base name); odd names are refused;
    // a file that is no STAC item is refused after arriving, and removed.
    expect(
      (await upload([{ name: 'a name with spaces.tif', bytes: new Uint8Array(4) }])).status,
    ).toBe(400);
    const [notAnItem, why] = await registered(
      await upload([{ name: '../evil.json', bytes: new Uint8Array(4) }]),
    );
    expect([notAnItem, (why as { code: string }).code]).toEqual([422, 'RASTER_INVALID']);
    // Nothing half-written is left behind. Uploads go to the cooperative's uploads folder, not
    // the watch folder (whose scan would take them for shared scenes).
    const uploads = join(scenesDir, '.uploads', OROMIA_DEMO.coop.id);
    expect(readdirSync(uploads)).toEqual([]);

    const [ok, result] = await registered(await upload(files));
    expect([ok, result]).toMatchObject(['succeeded', { sceneId: scene.id, outcome: 'processed' }]);
    const series = await shamba.registry.scenes.fieldSeries('field-almaz-maize');
    expect(series.map((s) => s.sceneId)).toEqual([scene.id]);
    // The cooperative's uploads folder holds it, registered as the cooperative's; the watch
    // folder's scan finds nothing.
    expect(readdirSync(uploads).filter((n) => n.startsWith('upload-'))).toHaveLength(1);
    expect(readdirSync(scenesDir).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect((await shamba.registry.scenes.list()).map((s) => [s.id, s.ownerCoopId])).toEqual([
      [scene.id, OROMIA_DEMO.coop.id],
    ]);
    expect(await shamba.scenes.runOnce()).toBe(0);
  });
});
