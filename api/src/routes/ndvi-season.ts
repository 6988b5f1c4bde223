import { localMidnightMs } from '@shamba/agronomy';
import { gapFill, indexMean } from '@shamba/raster';
import type { Field } from '@shamba/schemas';
import type { FieldSceneIndices } from '@shamba/storage';

/** One overpass of the field this season: its mean NDVI as seen, or interpolated over cloud. */
export interface NdviSeasonPoint {
  acquiredMs: number;
  sceneId: string;
  /** Null when cloudy with no clear date on one side (nothing to interpolate from). */
  ndvi: number | null;
  /** observed: seen clear; gap-filled: interpolated over cloud; missing: nothing to fill from. */
  quality: 'observed' | 'gap-filled' | 'missing';
  cloudy: boolean;
  /** Share of the field's pixels seen clear (0-1). */
  validFraction: number;
}

/**
 * The field's mean NDVI through its season, one point per overpass, cloudy dates interpolated
 * between the clear ones (`gapFill`) and flagged: what `GET /v1/fields/{id}/indices` gives as
 * `ndviSeries` and the field page draws. `scenes` is the field's series (`fieldSeries`, oldest
 * first). Left out: scenes before sowing (UTC midnight of the planting date: the season starts
 * then, and the bare soil before it would be interpolated into the crop's curve), and scenes that
 * do not cover the field (`outside`: no date of this field at all, cloudy or clear).
 */
export function ndviSeason(field: Field, scenes: readonly FieldSceneIndices[]): NdviSeasonPoint[] {
  const sownMs = localMidnightMs(field.plantingDate, 0);
  const season = scenes.filter((s) => s.acquiredMs >= sownMs && s.indices.status !== 'outside');
  const byScene = new Map(season.map((s) => [s.sceneId, s.indices]));
  return gapFill(
    season.map((s) => ({
      acquiredMs: s.acquiredMs,
      sceneId: s.sceneId,
      value: indexMean(s.indices, 'ndvi'),
    })),
  ).map((p) => {
    const indices = byScene.get(p.sceneId);
    return {
      acquiredMs: p.acquiredMs,
      sceneId: p.sceneId,
      ndvi: p.value,
      quality: p.quality,
      cloudy: indices?.status === 'cloudy',
      validFraction: indices?.validFraction ?? 0,
    };
  });
}
