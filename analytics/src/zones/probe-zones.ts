import { round, type Polygon } from '@shamba/schemas';

/** Where a soil probe was last fixed by GNSS, or null when it has never reported a fix. */
export interface ProbeFix {
  deviceId: string;
  /** The zone the probe belonged to before the new zones. */
  previousZoneId: string | null;
  fix: { lon: number; lat: number; timeMs: number } | null;
}

export interface ProbeZoneAssignment {
  deviceId: string;
  zoneId: string;
  /** inside: its fix lies in the zone; nearest: outside every zone; no-fix: placed without one. */
  how: 'inside' | 'nearest' | 'no-fix';
  /** From the fix (or the stand-in point) to the zone, m: 0 inside. */
  distanceM: number;
  note: string;
}

export interface AssignProbesInput {
  probes: readonly ProbeFix[];
  zones: readonly { id: string; boundary: Polygon }[];
  /** The field's zones before, to place a probe without a fix near where it was. */
  previousZones: readonly { id: string; boundary: Polygon }[];
  fieldBoundary: Polygon;
}

/**
 * Each soil probe in the zone its newest GNSS fix lies in; a fix outside every zone (a probe on
 * the boundary, GNSS error of a few metres) goes to the nearest zone; a probe that never had a fix
 * goes to the zone nearest the centre of its previous zone (or of the field). Each says which.
 */
export function assignProbesToZones(input: AssignProbesInput): ProbeZoneAssignment[] {
  return input.zones.length === 0 ? [] : input.probes.map((probe) => assignProbe(probe, input));
}

function assignProbe(probe: ProbeFix, input: AssignProbesInput): ProbeZoneAssignment {
  const { deviceId } = probe;
  if (probe.fix !== null) {
    const point: LonLat = [probe.fix.lon, probe.fix.lat];
    const { zone, distanceM } = nearestZone(point, input.zones);
    const at = `GNSS fix ${round(point[1], 6)}, ${round(point[0], 6)}`;
    return distanceM === 0
      ? { deviceId, zoneId: zone.id, how: 'inside', distanceM, note: `${at} in ${zone.id}` }
      : {
          deviceId,
          zoneId: zone.id,
          how: 'nearest',
          distanceM: round(distanceM, 1),
          note: `${at} lies in no zone: nearest is ${zone.id}, ${round(distanceM, 1)} m away`,
        };
  }
  const previous = input.previousZones.find((z) => z.id === probe.previousZoneId);
  const standIn = centre(previous?.boundary ?? input.fieldBoundary);
  const { zone, distanceM } = nearestZone(standIn, input.zones);
  const from = previous === undefined ? 'the field' : `its previous zone ${previous.id}`;
  return {
    deviceId,
    zoneId: zone.id,
    how: 'no-fix',
    distanceM: round(distanceM, 1),
    note: `no GNSS fix: placed in ${zone.id}, the zone nearest the centre of ${from}; check on site`,
  };
}

type LonLat = [number, number];

/** The zone containing the point (distance 0), else the nearest one by edge distance. */
function nearestZone(point: LonLat, zones: AssignProbesInput['zones']) {
  const scored = zones.map((zone) => ({
    zone,
    distanceM: pointInPolygon(point, zone.boundary) ? 0 : distanceToPolygonM(point, zone.boundary),
  }));
  return scored.reduce((a, b) => (b.distanceM < a.distanceM ? b : a));
}

/**
 * Even-odd ray casting over every ring (holes included): a point is inside when a ray from it
 * crosses the rings an odd number of times (Shimrat 1962, Algorithm 112, CACM 5(8):434).
 */
export function pointInPolygon([x, y]: LonLat, polygon: Polygon): boolean {
  let inside = false;
  for (const ring of polygon.coordinates)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  return inside;
}

/** Metres per degree of latitude (and of longitude at the equator), a spherical Earth's. */
const METRES_PER_DEGREE = 111_320;

/**
 * Shortest distance from the point to the polygon's edges, m, on the local equirectangular plane
 * (longitude scaled by cos(latitude)): within about 1 % over a field (a degree of latitude is
 * 110.6 to 111.7 km on the ellipsoid), ample to pick the nearest zone and report metres.
 */
export function distanceToPolygonM([lon, lat]: LonLat, polygon: Polygon): number {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const local = ([x, y]: readonly number[]): LonLat => [
    (x! - lon) * kx,
    (y! - lat) * METRES_PER_DEGREE,
  ];
  let best = Infinity;
  for (const ring of polygon.coordinates)
    for (let i = 1; i < ring.length; i++)
      best = Math.min(best, distanceToSegment(local(ring[i - 1]!), local(ring[i]!)));
  return best;
}

/** Distance from the origin to the segment a-b. */
function distanceToSegment([ax, ay]: LonLat, [bx, by]: LonLat): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSq));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

/** The mean of the outer ring's vertices (the closing one once): a point near the middle. */
function centre(polygon: Polygon): LonLat {
  const ring = polygon.coordinates[0]!.slice(0, -1);
  const sum = ring.reduce((s, [x, y]) => [s[0] + x, s[1] + y], [0, 0]);
  return [sum[0] / ring.length, sum[1] / ring.length];
}
