import { describe, expect, it } from 'vitest';
import { ZONE_EAST, ZONE_WEST } from './fixtures.js';
import {
  bboxOf,
  closeRing,
  isClockwise,
  orientedRings,
  pointInRings,
  type Position,
} from './rings.js';

const square: Position[] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];

describe('rings', () => {
  it('tells clockwise from counter-clockwise (x east, y north)', () => {
    expect(isClockwise(square)).toBe(false);
    expect(isClockwise([...square].reverse())).toBe(true);
  });

  it('closes an open ring and leaves a closed one as it is', () => {
    expect(closeRing(square.slice(0, 4))).toEqual(square);
    expect(closeRing(square)).toEqual(square);
  });

  it('orients outer rings and holes for RFC 7946 and for ESRI, whatever they were drawn as', () => {
    const geojson = orientedRings(ZONE_WEST, false);
    expect(geojson.map(isClockwise)).toEqual([false, true]);
    const esri = orientedRings(ZONE_WEST, true);
    expect(esri.map(isClockwise)).toEqual([true, false]);
    // Same positions, reversed order: the outer ring drawn clockwise stays as drawn for ESRI.
    expect(esri[0]).toEqual(ZONE_WEST.coordinates[0]);
    expect(geojson[0]).toEqual([...ZONE_WEST.coordinates[0]!].reverse());
    expect(orientedRings(ZONE_EAST, true)[0]).toEqual([
      [38.721, 7.93],
      [38.721, 7.931],
      [38.722, 7.931],
      [38.722, 7.93],
      [38.721, 7.93],
    ]);
  });

  it('bounds and point-in-polygon respect holes', () => {
    const rings = orientedRings(ZONE_WEST, false);
    expect(bboxOf(rings)).toEqual({ xMin: 38.72, yMin: 7.93, xMax: 38.721, yMax: 7.931 });
    expect(pointInRings([38.7201, 7.9301], rings)).toBe(true);
    expect(pointInRings([38.7205, 7.9305], rings)).toBe(false); // in the hole
    expect(pointInRings([38.7215, 7.9305], rings)).toBe(false); // the east zone
  });
});
