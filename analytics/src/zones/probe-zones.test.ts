import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { corner, rectangle, X0, Y0 } from '../testing/utm-plot.js';
import { assignProbesToZones, distanceToPolygonM, pointInPolygon } from './probe-zones.js';

// The 200 m x 100 m plot near Ziway cut into a west and an east zone; the old zones ran
// north and south.
const field = rectangle(X0, Y0, X0 + 200, Y0 + 100);
const zones = [
  { id: 'west', boundary: rectangle(X0, Y0, X0 + 100, Y0 + 100) },
  { id: 'east', boundary: rectangle(X0 + 100, Y0, X0 + 200, Y0 + 100) },
];
const previousZones = [
  { id: 'north', boundary: rectangle(X0, Y0 + 50, X0 + 200, Y0 + 100) },
  { id: 'old-east', boundary: rectangle(X0 + 150, Y0, X0 + 200, Y0 + 50) },
];
const fixAt = (x: number, y: number) => {
  const [lon, lat] = corner(x, y);
  return { lon, lat, timeMs: 0 };
};

describe('soil probes to the zone their GNSS fix lies in', () => {
  it('agrees with turf on which points lie in a polygon with a hole', () => {
    const withHole = {
      type: 'Polygon' as const,
      coordinates: [
        rectangle(X0, Y0, X0 + 200, Y0 + 100).coordinates[0]!,
        rectangle(X0 + 50, Y0 + 25, X0 + 150, Y0 + 75).coordinates[0]!,
      ],
    };
    let inside = 0;
    for (let x = X0 - 20; x <= X0 + 220; x += 7)
      for (let y = Y0 - 20; y <= Y0 + 120; y += 7) {
        const point = corner(x, y);
        const expected = booleanPointInPolygon(point, withHole);
        expect(pointInPolygon(point, withHole), `${x},${y}`).toBe(expected);
        if (expected) inside++;
      }
    expect(inside).toBeGreaterThan(100);
  });

  it('measures the distance to a zone in metres', () => {
    // 10 m east of the east zone's edge, halfway up it.
    expect(distanceToPolygonM(corner(X0 + 210, Y0 + 50), zones[1]!.boundary)).toBeCloseTo(10, 0);
  });

  it('places each probe: inside, nearest when outside every zone, and without a fix', () => {
    const assignments = assignProbesToZones({
      probes: [
        { deviceId: 'probe-1', previousZoneId: 'north', fix: fixAt(X0 + 30, Y0 + 80) },
        { deviceId: 'probe-2', previousZoneId: 'north', fix: fixAt(X0 + 170, Y0 + 20) },
        // 4 m outside the field's east edge: GNSS error, or the probe on the boundary.
        { deviceId: 'probe-3', previousZoneId: null, fix: fixAt(X0 + 204, Y0 + 60) },
        // Never fixed: where its old zone was (the old east zone's centre is in the new east).
        { deviceId: 'probe-4', previousZoneId: 'old-east', fix: null },
      ],
      zones,
      previousZones,
      fieldBoundary: field,
    });
    expect(assignments.map((a) => [a.deviceId, a.zoneId, a.how])).toEqual([
      ['probe-1', 'west', 'inside'],
      ['probe-2', 'east', 'inside'],
      ['probe-3', 'east', 'nearest'],
      ['probe-4', 'east', 'no-fix'],
    ]);
    expect(assignments[2]!.distanceM).toBeCloseTo(4, 0);
    expect(assignments[2]!.note).toMatch(/lies in no zone: nearest is east, 4(\.\d)? m away/);
    expect(assignments[3]!.note).toBe(
      'no GNSS fix: placed in east, the zone nearest the centre of its previous zone old-east; check on site',
    );
  });
});
