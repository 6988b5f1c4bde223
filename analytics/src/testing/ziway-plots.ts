import type { Field } from '@shamba/schemas';

/** East Africa Time (Africa/Addis_Ababa), UTC+3, the test cooperatives' zone. */
export const EAT = 180;

/** Local midnight (East Africa Time) at the start of a date, as a UTC instant. */
export const midnight = (dateIso: string) => Date.parse(`${dateIso}T00:00:00Z`) - EAT * 60_000;

/** A small zone boundary near Ziway (a triangle, whatever its name), `x` degrees east of the first. */
export const square = (x: number): Field['boundary'] => ({
  type: 'Polygon',
  coordinates: [
    [
      [38.72 + x, 7.93],
      [38.7205 + x, 7.93],
      [38.7205 + x, 7.9305],
      [38.72 + x, 7.93],
    ],
  ],
});
