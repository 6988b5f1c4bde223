/**
 * A field's NDVI through the season, one point per overpass. Cloudy dates are filled by linear
 * interpolation in time between the nearest clear dates on either side and flagged, so a chart
 * or a model sees a continuous curve and still knows which points were seen; before the first
 * or after the last clear date there is nothing to interpolate from, and the value stays null.
 */
export interface SeriesPoint {
  acquiredMs: number;
  sceneId: string;
  value: number | null;
  /** observed: seen clear; gap-filled: interpolated over cloud; missing: no clear date on one side. */
  quality: 'observed' | 'gap-filled' | 'missing';
}

export function gapFill(
  points: readonly { acquiredMs: number; sceneId: string; value: number | null }[],
): SeriesPoint[] {
  const sorted = [...points].sort((a, b) => a.acquiredMs - b.acquiredMs);
  return sorted.map((p, i) => {
    if (p.value !== null) return { ...p, quality: 'observed' };
    const before = sorted
      .slice(0, i)
      .reverse()
      .find((q) => q.value !== null);
    const after = sorted.slice(i + 1).find((q) => q.value !== null);
    if (before === undefined || after === undefined) return { ...p, quality: 'missing' };
    const t = (p.acquiredMs - before.acquiredMs) / (after.acquiredMs - before.acquiredMs);
    const value = before.value! + t * (after.value! - before.value!);
    return { ...p, value: Math.round(value * 10_000) / 10_000, quality: 'gap-filled' };
  });
}
