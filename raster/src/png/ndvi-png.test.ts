import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
import {
  OROMIA_DEMO,
  createWorld,
  overpassesBetween,
  renderScene,
  writeScene,
} from '@shamba/world';
import {
  MAX_PNG_SIDE,
  NDVI_RAMP,
  rampColour,
  renderFieldNdviPng,
  renderNdviPng,
} from './ndvi-png.js';
import { readBand, readSceneItem } from '../scenes/scene-reader.js';

/** The simulated cooperative's scene at `atMs` (its world started at `start`), bands read back. */
async function simulatedBands(
  start: number,
  atMs: number,
  names: readonly ('B04' | 'B08' | 'SCL')[],
) {
  const world = createWorld(OROMIA_DEMO, start);
  world.advanceTo(atMs);
  const scene = renderScene(OROMIA_DEMO, world, { seed: 4 });
  const dir = mkdtempSync(join(tmpdir(), 'shamba-png-'));
  writeScene(scene, dir);
  const item = await readSceneItem(join(dir, `${scene.id}.json`));
  const bands: Partial<Record<'B04' | 'B08' | 'SCL', Awaited<ReturnType<typeof readBand>>>> = {};
  for (const name of names) bands[name] = await readBand(name, item.bands[name]!);
  return bands;
}

describe('NDVI PNG', () => {
  it('maps the ramp stops to their colours and interpolates between them', () => {
    for (const [value, rgb] of NDVI_RAMP) expect(rampColour(value)).toEqual(rgb);
    expect(rampColour(-0.5)).toEqual(NDVI_RAMP[0]![1]);
    expect(rampColour(0.4)).toEqual([211, 236, 149]); // halfway from (255,255,191) to (166,217,106)
  });

  it('draws a field of the simulated scene: the dry maize browner than the irrigated one', async () => {
    const start = Date.UTC(2026, 10, 1);
    const [pass] = overpassesBetween(OROMIA_DEMO, start + 12 * DAY_MS, start + 17 * DAY_MS);
    const { B04, B08, SCL } = await simulatedBands(start, pass!, ['B04', 'B08', 'SCL']);
    const bands = { B04: B04!, B08: B08!, SCL: SCL! };
    const greenness = (fieldId: string) => {
      const png = PNG.sync.read(
        renderFieldNdviPng(bands, OROMIA_DEMO.fields.find((f) => f.id === fieldId)!.boundary, 2),
      );
      let g = 0;
      let r = 0;
      let opaque = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        if (png.data[i + 3] === 0) continue;
        opaque++;
        r += png.data[i]!;
        g += png.data[i + 1]!;
      }
      expect(opaque).toBeGreaterThan(50);
      return g / opaque - r / opaque;
    };
    expect(greenness('field-almaz-maize')).toBeGreaterThan(greenness('field-tolosa-maize') + 20);
  });

  it('draws a cooperative: every field on one image over their extent, nothing between them', async () => {
    const start = Date.UTC(2026, 10, 1);
    const { B04, B08 } = await simulatedBands(start, start + 5 * DAY_MS, ['B04', 'B08']);
    const bands = { B04: B04!, B08: B08! };
    const boundaries = OROMIA_DEMO.fields.map((f) => f.boundary);
    const coop = PNG.sync.read(renderNdviPng(bands, boundaries, 1));
    const drawn = (png: PNG) => {
      let n = 0;
      for (let i = 3; i < png.data.length; i += 4) if (png.data[i] === 255) n++;
      return n;
    };
    // Each field drawn alone, and together: the same pixels, no more.
    const alone = boundaries.map((b) => drawn(PNG.sync.read(renderNdviPng(bands, [b], 1))));
    expect(drawn(coop)).toBe(alone.reduce((s, n) => s + n, 0));
    expect(coop.width * coop.height).toBeGreaterThan(drawn(coop)); // gaps between the plots stay transparent
    // A large extent is drawn smaller, never past MAX_PNG_SIDE.
    const big = PNG.sync.read(renderNdviPng(bands, boundaries, 500));
    expect(Math.max(big.width, big.height)).toBeLessThanOrEqual(MAX_PNG_SIDE);
  });
});
