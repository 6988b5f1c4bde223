import { expect, it } from 'vitest';
import type { FieldSceneIndices, Registry, SceneRecord } from '../ports/registry.js';

const scene = (ownerCoopId: string | null, cloudCoverPct: number): SceneRecord => ({
  id: 'S2-Z',
  ownerCoopId,
  acquiredMs: 1000,
  itemPath: `${ownerCoopId ?? 'shared'}/item.json`,
  cloudCoverPct,
  processedMs: 2000,
});
const ndvi = (mean: number) => ({ mean, sd: 0.02, p10: mean - 0.03, p50: mean, p90: mean + 0.03 });
const indices = (
  fieldId: string,
  mean: number,
  {
    zoneId = `${fieldId}-z1`,
    ownerCoopId = null,
  }: { zoneId?: string; ownerCoopId?: string | null } = {},
): FieldSceneIndices => ({
  sceneId: 'S2-Z',
  ownerCoopId,
  fieldId,
  acquiredMs: 1000,
  indices: {
    status: 'ok',
    validFraction: 1,
    pixelCount: 40,
    ndvi: ndvi(mean),
    savi: ndvi(mean - 0.2),
    ndmi: null,
    zones: {
      [zoneId]: {
        status: 'ok',
        validFraction: 1,
        pixelCount: 40,
        ndvi: ndvi(mean),
        savi: ndvi(mean - 0.2),
        ndmi: null,
      },
    },
  },
});

/**
 * Replacing one field's indices in stored scenes (zones applied): the scene's record and the
 * other fields' rows are left alone; run inside describeRegistry.
 */
export function describeSceneIndices(current: () => Registry): void {
  it("replaces a field's indices in stored scenes only: the scene and other fields untouched", async () => {
    const registry = current();
    await registry.scenes.add(scene(null, 3), [indices('f-1', 0.6), indices('f-2', 0.5)]);
    await registry.scenes.add(scene('coop-a', 9), [indices('f-1', 0.4, { ownerCoopId: 'coop-a' })]);
    const replaced = await registry.scenes.replaceFieldIndices([
      indices('f-1', 0.6, { zoneId: 'f-1-new' }),
      // No row for this field in the scene: skipped, not created.
      indices('f-3', 0.7),
      // Nor for a scene that was never stored.
      { ...indices('f-1', 0.6), sceneId: 'S2-NONE' },
    ]);
    expect(replaced).toBe(1);
    expect(await registry.scenes.fieldSeries('f-1')).toEqual([
      indices('f-1', 0.6, { zoneId: 'f-1-new' }),
      indices('f-1', 0.4, { ownerCoopId: 'coop-a' }),
    ]);
    expect(await registry.scenes.fieldSeries('f-2')).toEqual([indices('f-2', 0.5)]);
    expect(await registry.scenes.fieldSeries('f-3')).toEqual([]);
    expect(await registry.scenes.list()).toEqual([scene(null, 3), scene('coop-a', 9)]);
    expect(await registry.scenes.replaceFieldIndices([])).toBe(0);
  });
}
