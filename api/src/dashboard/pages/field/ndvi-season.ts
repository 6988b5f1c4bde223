import type { Field } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import { ndviSeason as seasonSeries } from '../../../routes/ndvi-season.js';

/** One overpass of the field this season, dated for the page's table and chart. */
export interface NdviPoint {
  date: string;
  sceneId: string;
  /** Null when cloudy with no clear date on one side (nothing to interpolate from). */
  ndvi: number | null;
  quality: 'observed' | 'gap-filled' | 'missing';
  cloudy: boolean;
  /** Share of the field's pixels seen clear (0-1). */
  validFraction: number;
}

/**
 * NDVI through the season, as `GET /v1/fields/{id}/indices` gives it (its `ndviSeries`, one
 * rule for both): the field's own and the shared scenes, from sowing, cloudy dates interpolated.
 */
export async function ndviSeason(registry: Registry, field: Field): Promise<NdviPoint[]> {
  const scenes = await registry.scenes.fieldSeries(field.id, { visibleTo: field.coopId });
  return seasonSeries(field, scenes).map(({ acquiredMs, ...point }) => ({
    date: new Date(acquiredMs).toISOString().slice(0, 10),
    ...point,
  }));
}
