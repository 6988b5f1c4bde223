import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FieldSchema } from '@shamba/schemas';
import { createSqliteRegistry, type Registry } from '@shamba/storage';
import { serveFolder } from '@shamba/raster/testing';
import { OROMIA_DEMO, createWorld, renderScene, writeScene } from '@shamba/world';
import { MAX_FUTURE_ACQUISITION_MS } from './acquisition-time.js';
import { QUARANTINE_DIR } from './quarantine.js';
import { createSceneService } from './scene-service.js';

// The box's clock, and a real demo scene rendered for the demo's fields, re-dated at will.
const NOW = Date.UTC(2026, 10, 20, 8);
const HOUR_MS = 3_600_000;
const logger = pino({ level: 'silent' });

let root: string;
let scenesDir: string;
let registry: Registry;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'shamba-future-'));
  scenesDir = join(root, 'scenes');
  registry = await createSqliteRegistry({ path: join(root, 'registry.sqlite') });
  const coopId = OROMIA_DEMO.coop.id;
  await registry.coops.upsert(OROMIA_DEMO.coop);
  for (const farmer of OROMIA_DEMO.farmers) await registry.farmers.upsert(farmer);
  // The demo's fields as the registry keeps them (the world's hidden properties dropped).
  for (const spec of OROMIA_DEMO.fields)
    await registry.fields.upsert(
      FieldSchema.parse({
        ...spec,
        coopId,
        areaHa: 1,
        plantingDate: '2026-07-01',
        ...(spec.zones === undefined
          ? {}
          : { zones: spec.zones.map((z) => ({ ...z, areaHa: 0.5 })) }),
      }),
    );
});
afterEach(async () => {
  await registry.close();
  rmSync(root, { recursive: true, force: true });
});

/** The demo's scene, taken a day before NOW and labelled `acquiredMs`, written to `folder`. */
function sceneDated(id: string, acquiredMs: number, folder: string): void {
  const world = createWorld(OROMIA_DEMO, NOW - 3 * 24 * HOUR_MS);
  world.advanceTo(NOW - 24 * HOUR_MS);
  writeScene({ ...renderScene(OROMIA_DEMO, world, { seed: 3 }), id, acquiredMs }, folder);
}

const service = (options: { remoteAccess?: { allowPrivateAddresses: string[] } } = {}) =>
  createSceneService({ registry, logger, scenesDir, clock: () => NOW, ...options });

describe("a scene dated in the future of the box's clock", () => {
  it('is quarantined from the watch folder, with the reason, and never stored', async () => {
    sceneDated('S2-AHEAD', NOW + 3 * 24 * HOUR_MS, join(scenesDir, 'S2-AHEAD'));
    sceneDated('S2-SLOW-CLOCK', NOW + HOUR_MS / 2, join(scenesDir, 'S2-SLOW-CLOCK'));
    const scenes = service();
    expect(await scenes.runOnce()).toBe(1);
    expect((await registry.scenes.list()).map((s) => s.id)).toEqual(['S2-SLOW-CLOCK']);
    expect(await registry.scenes.quarantined()).toEqual([
      expect.objectContaining({
        name: 'S2-AHEAD/S2-AHEAD.json',
        code: 'RASTER_INVALID',
        reason: expect.stringMatching(
          /^scene S2-AHEAD is dated 2026-11-23T08:00:00.000Z, in the future of this box's clock \(2026-11-20T08:00:00.000Z; at most 1 h ahead is accepted\)$/,
        ) as unknown,
      }),
    ]);
    expect(existsSync(join(scenesDir, 'S2-AHEAD'))).toBe(false);
    expect(readdirSync(join(scenesDir, QUARANTINE_DIR))).toEqual([
      expect.stringMatching(/^S2-AHEAD-/),
    ]);
    await scenes.close();
  });

  it('is refused as an upload (registered by its path), and nothing is stored', async () => {
    const upload = join(root, 'upload');
    sceneDated('S2-UP', NOW + MAX_FUTURE_ACQUISITION_MS + 60_000, upload);
    const scenes = service();
    await expect(
      scenes.register(join(upload, 'S2-UP.json'), { ownerCoopId: OROMIA_DEMO.coop.id }),
    ).rejects.toMatchObject({ code: 'RASTER_INVALID', message: /S2-UP .*in the future/ });
    expect(await registry.scenes.list()).toEqual([]);
    // Within the tolerance (a slow box clock), the same scene is read.
    sceneDated('S2-UP', NOW + MAX_FUTURE_ACQUISITION_MS - 60_000, upload);
    expect(
      await scenes.register(join(upload, 'S2-UP.json'), { ownerCoopId: OROMIA_DEMO.coop.id }),
    ).toMatchObject({ sceneId: 'S2-UP', outcome: 'processed' });
    await scenes.close();
  });

  it('is refused when registered by URL, and nothing is stored', async () => {
    const published = join(root, 'published');
    sceneDated('S2-URL', NOW + 2 * 24 * HOUR_MS, join(published, 'S2-URL'));
    const server = await serveFolder(published);
    try {
      const scenes = service({ remoteAccess: { allowPrivateAddresses: ['127.0.0.1'] } });
      await expect(
        scenes.register(`${server.url}/S2-URL/S2-URL.json`, { ownerCoopId: null }),
      ).rejects.toMatchObject({ code: 'RASTER_INVALID', message: /S2-URL .*in the future/ });
      expect(await registry.scenes.list()).toEqual([]);
      await scenes.close();
    } finally {
      await server.close();
    }
  });
});
