import turfArea from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection, polygon as turfPolygon } from '@turf/helpers';
import turfIntersect from '@turf/intersect';
import kinks from '@turf/kinks';
import turfUnion from '@turf/union';
import { ShambaError, type Polygon } from '@shamba/schemas';

/**
 * The rules a field's or a zone's boundary must pass before it is stored: a GeoJSON Polygon in
 * WGS 84 (RFC 7946 §3.1.6; CGCS2000 agrees to a few cm), checked as an integrator's or a
 * technician's GNSS walk would get it wrong. Pure: the CLI can check a file with the same rules.
 */

/**
 * 100 m² at least: a Sentinel-2 pixel is 10 m × 10 m, so a smaller plot has no index of its own
 * (and a kitchen garden is not a programme field); smaller is almost always a mistyped unit.
 */
export const MIN_FIELD_AREA_M2 = 100;
/**
 * 10 000 ha (100 km²) at most: far above any smallholder plot (most under 2 ha) or a
 * cooperative's block farm or irrigation scheme block (hundreds of ha); a larger "field" is a
 * swapped latitude and longitude, degrees read as metres, or a district drawn by mistake.
 */
export const MAX_FIELD_AREA_HA = 10_000;
/**
 * Positions in one boundary, all rings together. A GNSS walk logging every 2-5 m round a 10 ha
 * plot (1.3 km) is 300-600 positions; 2 000 also fits a digitised 100 ha block. It bounds the
 * self-intersection check (a sweep line, about 0.1 s for 2 000 positions on the box).
 */
export const MAX_BOUNDARY_POSITIONS = 2_000;
/** Rings in one boundary: the outer ring and up to 49 holes (a well, a homestead, rocks). */
export const MAX_RINGS = 50;
/**
 * How much of a zone may lie outside its field, or over another zone, as a share of the zone's
 * area: zones drawn on a 10 m image or snapped to pixels share edges that rarely coincide to the
 * centimetre; 1% of a 0.2 ha zone is 20 m², a 2 m sliver along a 10 m edge.
 */
export const ZONE_OVERLAP_TOLERANCE = 0.01;

const HA_M2 = 10_000;

export interface CheckedBoundary {
  /** The boundary as stored: consecutive repeated positions removed. */
  boundary: Polygon;
  /** Geodesic area (turf's, on the WGS 84 sphere), ha, holes subtracted; to 1 m². */
  areaHa: number;
}

const invalid = (what: string, reason: string) =>
  new ShambaError('INVALID_REQUEST', `${what}: ${reason}`);

const samePosition = (a: readonly number[], b: readonly number[]) => a[0] === b[0] && a[1] === b[1];

/** A ring without positions repeated one after the other (a GNSS walk that stood still). */
function withoutRepeats(ring: readonly [number, number][]): [number, number][] {
  return ring.filter((p, i) => i === 0 || !samePosition(p, ring[i - 1]!));
}

/**
 * Checks a boundary: closed rings (RFC 7946 §3.1.6: first and last positions equal) of at least
 * four positions, no ring crossing itself or another, every hole inside the outer ring and
 * apart from the others, and an area within `[minM2, maxHa]`. Throws INVALID_REQUEST saying
 * what is wrong (`what` names the boundary: "boundary", "zone z-1").
 */
export function checkBoundary(
  input: Polygon,
  options: { what?: string; minM2?: number; maxHa?: number } = {},
): CheckedBoundary {
  const what = options.what ?? 'boundary';
  const minM2 = options.minM2 ?? MIN_FIELD_AREA_M2;
  const maxHa = options.maxHa ?? MAX_FIELD_AREA_HA;
  if (input.coordinates.length > MAX_RINGS)
    throw invalid(what, `at most ${MAX_RINGS} rings (an outer ring and its holes)`);
  const positions = input.coordinates.reduce((n, ring) => n + ring.length, 0);
  if (positions > MAX_BOUNDARY_POSITIONS)
    throw invalid(what, `at most ${MAX_BOUNDARY_POSITIONS} positions (it has ${positions})`);
  const rings = input.coordinates.map((ring, i) => {
    const name = i === 0 ? 'the outer ring' : `hole ${i}`;
    if (!samePosition(ring[0]!, ring.at(-1)!))
      throw invalid(what, `${name} is not closed: its last position must equal its first`);
    const kept = withoutRepeats(ring);
    // RFC 7946 §3.1.6: a linear ring has four or more positions, first and last the same.
    if (kept.length < 4)
      throw invalid(what, `${name} needs at least 4 positions: 3 corners and the closing one`);
    return kept;
  });
  const boundary: Polygon = { type: 'Polygon', coordinates: rings };
  const shape = turfPolygon(rings);
  const crossings = kinks(shape).features;
  if (crossings.length > 0) {
    const at = crossings[0]!.geometry.coordinates;
    throw invalid(what, `its rings cross themselves or each other (at ${at[0]}, ${at[1]})`);
  }
  // No ring crosses another (above), so a hole lies wholly inside the outer ring or wholly out
  // of it, and one of its positions tells which; the same for a hole within another hole.
  const [outer, ...holes] = rings.map((ring) => turfPolygon([ring]));
  const strictlyIn = (ring: Shape, inside: Shape) =>
    booleanPointInPolygon(ring.geometry.coordinates[0]![0]!, inside, { ignoreBoundary: true });
  holes.forEach((hole, i) => {
    if (!strictlyIn(hole, outer!))
      throw invalid(what, `hole ${i + 1} is not inside the outer ring`);
    holes.slice(i + 1).forEach((other, j) => {
      if (strictlyIn(hole, other) || strictlyIn(other, hole))
        throw invalid(what, `holes ${i + 1} and ${i + j + 2} overlap`);
    });
  });
  const areaM2 = turfArea(shape);
  if (areaM2 < minM2)
    throw invalid(what, `its area, ${areaM2.toFixed(1)} m², is under ${minM2} m²`);
  if (areaM2 > maxHa * HA_M2)
    throw invalid(what, `its area, ${(areaM2 / HA_M2).toFixed(1)} ha, is over ${maxHa} ha`);
  return { boundary, areaHa: Math.round(areaM2) / HA_M2 };
}

/** Zones at most (the Field schema's bound). */
export const MAX_ZONES = 20;
/**
 * Positions of all a field's zones together, as many as one field boundary: zones drawn from
 * 10 m pixels on a 10 ha field (1 000 pixels) have fewer edge vertices than that. It bounds the
 * clipping below (polygon union and intersection, about a second for 2 000 positions on a busy
 * box).
 */
export const MAX_ZONE_POSITIONS = 2_000;

/**
 * Checks a field's management zones: each a valid boundary (at least `MIN_FIELD_AREA_M2`),
 * inside the field and not over another, to `ZONE_OVERLAP_TOLERANCE` of their area; ids
 * unique. Returns each zone's checked boundary and area, in order.
 */
export function checkZones(
  field: Polygon,
  zones: readonly { id: string; boundary: Polygon }[],
): CheckedBoundary[] {
  if (zones.length > MAX_ZONES) throw invalid('zones', `at most ${MAX_ZONES}`);
  const positions = zones.reduce(
    (n, z) => n + z.boundary.coordinates.reduce((m, ring) => m + ring.length, 0),
    0,
  );
  if (positions > MAX_ZONE_POSITIONS)
    throw invalid(
      'zones',
      `at most ${MAX_ZONE_POSITIONS} positions together (they have ${positions})`,
    );
  const ids = new Set<string>();
  const checked = zones.map((zone) => {
    if (ids.has(zone.id)) throw invalid('zones', `the id ${zone.id} is used twice`);
    ids.add(zone.id);
    const result = checkBoundary(zone.boundary, { what: `zone ${zone.id}` });
    const shape = turfPolygon(result.boundary.coordinates);
    return { ...result, id: zone.id, shape, areaM2: turfArea(shape) };
  });
  if (checked.length === 0) return [];
  // Two clippings for all zones: their union's area falls short of their sum by what overlaps,
  // and its part outside the field is what lies outside. Only when either passes the tolerance
  // is each zone and pair clipped, to say which.
  const fieldShape = turfPolygon(field.coordinates);
  const sumM2 = checked.reduce((n, z) => n + z.areaM2, 0);
  const union =
    checked.length === 1
      ? checked[0]!.shape
      : turfUnion(featureCollection(checked.map((z) => z.shape)));
  const unionM2 = areaOf(union);
  const outsideM2 =
    union === null ? 0 : unionM2 - areaOf(turfIntersect(featureCollection([union, fieldShape])));
  if (
    outsideM2 > ZONE_OVERLAP_TOLERANCE * sumM2 ||
    sumM2 - unionM2 > ZONE_OVERLAP_TOLERANCE * sumM2
  )
    throw whichZones(fieldShape, checked);
  return checked.map(({ boundary, areaHa }) => ({ boundary, areaHa }));
}

/** A turf polygon feature. */
type Shape = ReturnType<typeof turfPolygon>;
type CheckedZone = CheckedBoundary & { id: string; shape: Shape; areaM2: number };

/** The refusal naming the zone outside the field, or the two that overlap. */
function whichZones(fieldShape: Shape, zones: readonly CheckedZone[]): ShambaError {
  for (const zone of zones) {
    const insideM2 = areaOf(turfIntersect(featureCollection([zone.shape, fieldShape])));
    if (zone.areaM2 - insideM2 > ZONE_OVERLAP_TOLERANCE * zone.areaM2)
      return invalid(`zone ${zone.id}`, 'it lies outside the field boundary');
  }
  for (const [i, a] of zones.entries()) {
    for (const b of zones.slice(i + 1)) {
      const overM2 = areaOf(turfIntersect(featureCollection([a.shape, b.shape])));
      if (overM2 > ZONE_OVERLAP_TOLERANCE * Math.min(a.areaM2, b.areaM2))
        return invalid('zones', `zones ${a.id} and ${b.id} overlap`);
    }
  }
  return invalid('zones', 'together they lie outside the field or over each other beyond 1%');
}

const areaOf = (shape: Parameters<typeof turfArea>[0] | null) =>
  shape === null ? 0 : turfArea(shape);
