/**
 * How small a management zone may be, and how many classes a field's area allows.
 *
 * A zone must be large enough to manage apart and to measure: 0.1 ha is ten Sentinel-2 pixels
 * of 10 m, the least whose mean NDVI is not mostly mixed edge pixels (a 3 x 3 patch has 8 of its
 * 9 pixels on its edge), and about the smallest bed a smallholder fertilises or waters by hand as
 * a unit (a 30 m x 30 m plot). On larger fields a zone is also at least a tenth of the field, so a
 * field has at most ten zones; more add little to a variable-rate plan (Melnitchouck,
 * "Determination of optimal number of management zones", Decisive Farming: 3 to 7 zones optimal,
 * 10 to 12 not economic), and on a smallholder's plot far fewer are workable.
 */
export const MIN_ZONE_AREA_HA = 0.1;
export const MIN_ZONE_FIELD_SHARE = 0.1;

/** The smallest zone allowed on a field of `fieldAreaHa`: max(0.1 ha, 10 % of the field). */
export function minZoneAreaHa(fieldAreaHa: number): number {
  return Math.max(MIN_ZONE_AREA_HA, MIN_ZONE_FIELD_SHARE * fieldAreaHa);
}

/**
 * The most classes a field of `fieldAreaHa` can hold, each with at least one zone of the minimum
 * area: floor(area / min zone area). Below 2 the field is not split.
 */
export function maxClassesForArea(fieldAreaHa: number): number {
  // A hair of tolerance: 0.3 ha / 0.1 ha is 2.9999999999999996 in floating point.
  return Math.floor(fieldAreaHa / minZoneAreaHa(fieldAreaHa) + 1e-9);
}
