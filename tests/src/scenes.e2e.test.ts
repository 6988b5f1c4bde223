import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { DAY_MS, type Polygon } from '@shamba/schemas';
import { createShamba, seedScenario } from '@shamba/cli';
import {
  OROMIA_DEMO,
  createWorld,
  overpassesBetween,
  renderScene,
  writeScene,
} from '@shamba/world';
import { writeLoopingIfdScene } from './support/hostile-scene.js';
import { tempDir } from './support/temp-dir.js';
import { followJob } from '@shamba/api/testing';

describe('satellite scenes through the watch folder to the API', () => {
  it(
    "processes new scenes, refuses a hostile file without stopping, and serves each field's series",
    { timeout: 60_000 },
    async () => {
      using dir = tempDir();
      const scenesDir = join(dir.path, 'scenes');
      await using shamba = await createShamba({
        dataDir: dir.path,
        scenesDir,
        logger: pino({ level: 'silent' }),
        mqtt: { port: 0 },
        api: { port: 0 },
        workers: 0,
        analyticsIntervalMs: 3_600_000,
      });
      const { tokens } = await seedScenario(shamba.registry, OROMIA_DEMO, {
        atMs: Date.UTC(2026, 10, 1),
      });

      // Three overpasses, five days apart.
      const start = Date.UTC(2026, 10, 1);
      const world = createWorld(OROMIA_DEMO, start);
      const passes = overpassesBetween(OROMIA_DEMO, start + 3 * DAY_MS, start + 18 * DAY_MS);
      expect(passes).toHaveLength(3);
      for (const pass of passes) {
        world.advanceTo(pass);
        const scene = renderScene(OROMIA_DEMO, world, { seed: 4 });
        writeScene(scene, join(scenesDir, scene.id));
      }
      // A hostile scene: a STAC item whose band is a 50-byte TIFF with a looping IFD chain.
      writeLoopingIfdScene(join(scenesDir, 'hostile'), {
        id: 'hostile',
        datetime: '2026-11-10T07:55:00Z',
      });

      expect(await shamba.scenes.runOnce()).toBe(3);
      expect(await shamba.scenes.runOnce()).toBe(0); // nothing new; the hostile file is not retried

      const response = await fetch(`${shamba.api.url}/v1/fields/field-tolosa-maize/indices`, {
        headers: { authorization: `Bearer ${tokens.manager}` },
      });
      const body = (await response.json()) as {
        scenes: { status: string; validFraction: number }[];
        ndviSeries: { ndvi: number | null; quality: string }[];
      };
      expect(body.scenes).toHaveLength(3);
      expect(body.ndviSeries.map((p) => p.quality)).toEqual(
        body.scenes.map((s) =>
          s.status === 'ok' ? 'observed' : (expect.stringMatching(/gap-filled|missing/) as unknown),
        ),
      );
      const png = await fetch(`${shamba.api.url}/v1/fields/field-tolosa-maize/ndvi.png`, {
        headers: { authorization: `Bearer ${tokens.manager}` },
      });
      expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
      const bytes = new Uint8Array(await png.arrayBuffer());
      expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // PNG signature
      writeFileSync(join(dir.path, 'ndvi.png'), bytes);
      if (process.env.SHAMBA_KEEP_PNG !== undefined)
        writeFileSync(process.env.SHAMBA_KEEP_PNG, bytes);
      // Each management zone gets its own indices (for the N rate per zone); the sandy zone the
      // world grows at 0.9 vigour and drier is the paler one in every clear scene.
      const series = await shamba.registry.scenes.fieldSeries('field-tolosa-maize');
      type Z = { status: string; ndvi?: { mean: number } };
      const zonesSeen = series
        .map((e) => (e.indices as { zones?: Record<string, Z> }).zones!)
        .filter(
          (z) =>
            z['tolosa-maize-sandy']!.status === 'ok' && z['tolosa-maize-loam']!.status === 'ok',
        );
      expect(zonesSeen.length).toBeGreaterThan(0);
      for (const z of zonesSeen)
        expect(z['tolosa-maize-sandy']!.ndvi!.mean).toBeLessThan(
          z['tolosa-maize-loam']!.ndvi!.mean,
        );
      // Management zones from the field's NDVI history: the paler half is where the world put
      // the sandy, shallower zone.
      const delineate = async (token: string, body: object) =>
        fetch(`${shamba.api.url}/v1/fields/field-tolosa-maize/zones/delineate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await delineate(tokens.manager, {})).status).toBe(403);
      const zoningJob = await followJob(
        (path) =>
          fetch(`${shamba.api.url}${path}`, {
            headers: { authorization: `Bearer ${tokens.agronomist}` },
          }),
        await delineate(tokens.agronomist, { apply: true }),
      );
      const zoning = zoningJob.result as {
        status: string;
        applied: boolean;
        classCount: number;
        zones: { id: string; boundary: Polygon; areaHa: number }[];
        zoneStats: { zoneId: string; vigourClass: number }[];
      };
      expect([zoning.status, zoning.applied], JSON.stringify(zoning)).toEqual(['ok', true]);
      const low = zoning.zones.find(
        (z) => zoning.zoneStats.find((s) => s.zoneId === z.id)!.vigourClass === 0,
      )!;
      const high = zoning.zones.find(
        (z) =>
          zoning.zoneStats.find((s) => s.zoneId === z.id)!.vigourClass === zoning.classCount - 1,
      )!;
      expect(booleanPointInPolygon([38.7204, 7.9307], low.boundary)).toBe(true); // sandy
      expect(booleanPointInPolygon([38.7211, 7.9309], high.boundary)).toBe(true); // loam
      const stored = await shamba.registry.fields.get('field-tolosa-maize');
      expect(stored!.zones!.map((z) => z.id)).toEqual(zoning.zones.map((z) => z.id));
      for (const p of body.ndviSeries.filter((q) => q.quality === 'observed')) {
        expect(p.ndvi).toBeGreaterThan(0.15);
        expect(p.ndvi).toBeLessThan(0.95);
      }
    },
  );
});
