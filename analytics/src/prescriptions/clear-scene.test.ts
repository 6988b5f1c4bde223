import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, type Polygon } from '@shamba/schemas';
import type { FieldSceneIndices } from '@shamba/storage';
import { readSceneItem } from '@shamba/raster';
import { sceneFieldIndices } from '../scenes/scene-indices.js';
import { writePlotScene, type PlotSceneSpec } from '../testing/plot-scenes.js';
import { rectangle, X0, Y0 } from '../testing/utm-plot.js';
import { MIN_CLEAR_SHARE, chooseScene } from './clear-scene.js';

// A 200 m x 100 m plot near Ziway on the 10 m grid of UTM 37N, in two zones of 1 ha (west,
// east), seen by real GeoTIFF scenes read through the same pipeline the scene service runs.
const west = { id: 'z-west', boundary: rectangle(X0, Y0, X0 + 100, Y0 + 100) };
const east = { id: 'z-east', boundary: rectangle(X0 + 100, Y0, X0 + 200, Y0 + 100) };
interface Plot {
  id: string;
  boundary: Polygon;
  zones?: { id: string; boundary: Polygon }[];
}
const field: Plot = { id: 'field-1', boundary: rectangle(X0, Y0, X0 + 200, Y0 + 100) };
const zoned: Plot = { ...field, zones: [west, east] };

const T0 = Date.UTC(2026, 9, 1, 8);
const NOW = T0 + 20 * DAY_MS;
let root: string;

/** Writes a scene and reads it for `fields` as the scene service does. */
async function indicesOf(
  spec: PlotSceneSpec,
  fields: readonly Plot[],
): Promise<FieldSceneIndices[]> {
  const itemPath = writePlotScene(root, spec);
  const item = await readSceneItem(itemPath);
  const { perField } = await sceneFieldIndices({
    item,
    fields: fields.map((f) => ({
      id: f.id,
      boundary: f.boundary,
      ...(f.zones === undefined ? {} : { zones: f.zones }),
    })),
  });
  return perField.map((f) => ({
    sceneId: spec.id,
    ownerCoopId: null,
    fieldId: f.fieldId,
    acquiredMs: spec.acquiredMs,
    indices: f.indices,
  }));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'shamba-clear-scene-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the scene chosen for a field', () => {
  let full: FieldSceneIndices[];
  beforeAll(async () => {
    full = await indicesOf({ id: 'S-full', acquiredMs: T0 }, [zoned]);
  });

  it('uses a scene that sees the whole field, and says so', () => {
    const choice = chooseScene({ series: full, asOfMs: NOW, nowMs: NOW, field: zoned });
    expect(choice.scene).toMatchObject({
      sceneId: 'S-full',
      ndviByZone: { 'z-west': expect.closeTo(0.7778, 3) as unknown },
    });
    expect(choice.note).toBe(
      'S-full (2026-10-01): the newest scene up to the readings with 100 % of the field clear (at least 60 % needed)',
    );
  });

  it('passes over a newer scene whose raster ends inside the field (40 % of it), and names it', async () => {
    // The raster's 18 columns end 80 m into the 200 m plot: the east zone is outside it.
    const partial = await indicesOf({ id: 'S-edge', acquiredMs: T0 + 5 * DAY_MS, columns: 18 }, [
      zoned,
    ]);
    expect(partial[0]!.indices.zones!['z-east']!.status).toBe('outside');
    const series = [...full, ...partial];
    const choice = chooseScene({ series, asOfMs: NOW, nowMs: NOW, field: zoned });
    expect(choice.scene?.sceneId).toBe('S-full');
    expect(choice.note).toBe(
      'S-full (2026-10-01): the newest scene up to the readings with 100 % of the field clear ' +
        '(at least 60 % needed). Newer scenes passed over: S-edge (2026-10-06): covers only 40 % ' +
        'of the field (40 % clear)',
    );
    // Alone, with nothing to measure the field's footprint against, its zones tell: one of the
    // two is outside it. Used for no field: no rate rather than half the field's N total.
    const alone = chooseScene({ series: partial, asOfMs: NOW, nowMs: NOW, field: zoned });
    expect(alone).toEqual({
      scene: undefined,
      note:
        'no scene up to the readings shows 60 % of the field clear. Scenes passed over: ' +
        'S-edge (2026-10-06): covers only 50 % of the field (50 % clear)',
    });
  });

  it('passes over the same partial scene for a field without zones, against its own footprint', async () => {
    const plain = [
      ...(await indicesOf({ id: 'S-plain', acquiredMs: T0 }, [field])),
      ...(await indicesOf({ id: 'S-plain-edge', acquiredMs: T0 + DAY_MS, columns: 18 }, [field])),
    ];
    // The raster's own share is of the part it covers: all valid, which alone looked clear.
    expect(plain[1]!.indices).toMatchObject({ status: 'ok', validFraction: 1, pixelCount: 80 });
    const choice = chooseScene({ series: plain, asOfMs: NOW, nowMs: NOW, field });
    expect(choice.scene?.sceneId).toBe('S-plain');
    expect(choice.note).toMatch(/S-plain-edge \(2026-10-02\): covers only 40 % of the field/);
  });

  it(`passes over a cloudy scene (under ${100 * MIN_CLEAR_SHARE} % clear), and marks the zones a used scene did not see`, async () => {
    // Cloud over the east 55 % of the field: 45 % clear, the east zone reported cloudy.
    const cloudy = await indicesOf(
      { id: 'S-cloud', acquiredMs: T0 + 5 * DAY_MS, cloudEastOf: X0 + 90 },
      [zoned],
    );
    expect(cloudy[0]!.indices).toMatchObject({ status: 'ok', validFraction: 0.45 });
    const choice = chooseScene({
      series: [...full, ...cloudy],
      asOfMs: NOW,
      nowMs: NOW,
      field: zoned,
    });
    expect(choice.scene?.sceneId).toBe('S-full');
    expect(choice.note).toMatch(/S-cloud \(2026-10-06\): cloudy: 45 % of the field clear$/);

    // Cloud over a corner only (the east zone's last 30 m): used, the zone marked unseen.
    const speck = await indicesOf(
      { id: 'S-speck', acquiredMs: T0 + 6 * DAY_MS, cloudEastOf: X0 + 170 },
      [{ ...field, zones: [west, east] }],
    );
    const used = chooseScene({
      series: [...full, ...speck],
      asOfMs: NOW,
      nowMs: NOW,
      field: zoned,
    });
    expect(used.scene?.sceneId).toBe('S-speck');
    expect(used.scene?.ndviByZone['z-east']).toEqual(expect.closeTo(0.7778, 3));
    expect(used.note).toBe(
      'S-speck (2026-10-07): the newest scene up to the readings with 85 % of the field clear (at least 60 % needed)',
    );
  });

  it("never uses a scene dated in the future of the box's clock, nor one after the readings, and says so", async () => {
    const later = await indicesOf({ id: 'S-later', acquiredMs: NOW - DAY_MS }, [zoned]);
    const ahead = await indicesOf({ id: 'S-ahead', acquiredMs: NOW + 3 * DAY_MS }, [zoned]);
    const series = [...full, ...later, ...ahead];
    // Readings up to the box's clock: the future scene is passed over, the later one used.
    const now = chooseScene({ series, asOfMs: NOW, nowMs: NOW, field: zoned });
    expect(now.scene?.sceneId).toBe('S-later');
    expect(now.note).toMatch(
      /Newer scenes passed over: S-ahead \(2026-10-24\): dated in the future of the box's clock$/,
    );
    // Readings from a device whose clock runs 3 days ahead: the box's clock still rules.
    const skewed = chooseScene({ series, asOfMs: NOW + 4 * DAY_MS, nowMs: NOW, field: zoned });
    expect(skewed.scene?.sceneId).toBe('S-later');
    // Readings from two days ago: the scene taken since is after them, and said to be.
    const old = chooseScene({ series, asOfMs: NOW - 2 * DAY_MS, nowMs: NOW, field: zoned });
    expect(old.scene?.sceneId).toBe('S-full');
    expect(old.note).toMatch(
      /passed over: S-ahead \(2026-10-24\): dated in the future of the box's clock; S-later \(2026-10-20\): after the newest reading \(2026-10-19\)$/,
    );
  });
});
