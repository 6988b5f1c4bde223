import { describe, expect, it } from 'vitest';
import { ZONE_EAST, ZONE_WEST } from './fixtures.js';
import { isClockwise, type Position } from './rings.js';
import { polygonRecord, writeShp } from './shp.js';

/** Reads a Polygon record's parts back from its content (ESRI 1998 p. 8). */
function readRecord(view: DataView, at: number) {
  const numParts = view.getInt32(at + 36, true);
  const numPoints = view.getInt32(at + 40, true);
  const parts = Array.from({ length: numParts }, (_, i) => view.getInt32(at + 44 + 4 * i, true));
  const pointsAt = at + 44 + 4 * numParts;
  const points: Position[] = Array.from({ length: numPoints }, (_, i) => [
    view.getFloat64(pointsAt + 16 * i, true),
    view.getFloat64(pointsAt + 16 * i + 8, true),
  ]);
  const rings = parts.map((start, i) => points.slice(start, parts[i + 1] ?? numPoints));
  return {
    type: view.getInt32(at, true),
    box: [0, 1, 2, 3].map((i) => view.getFloat64(at + 4 + 8 * i, true)),
    rings,
  };
}

describe('writeShp', () => {
  const { shp, shx } = writeShp([polygonRecord([ZONE_WEST]), polygonRecord([ZONE_EAST])]);
  const view = new DataView(shp.buffer);
  const index = new DataView(shx.buffer);
  // West: 2 rings of 5 points; east: 1 ring of 5 (closed by the writer).
  const westContent = 44 + 2 * 4 + 10 * 16;
  const eastContent = 44 + 1 * 4 + 5 * 16;

  it('writes the main header: big-endian code and length, little-endian version, type and box', () => {
    expect(shp.length).toBe(100 + 8 + westContent + 8 + eastContent);
    expect(view.getInt32(0, false)).toBe(9994);
    expect(view.getInt32(24, false)).toBe(shp.length / 2);
    expect(view.getInt32(28, true)).toBe(1000);
    expect(view.getInt32(32, true)).toBe(5);
    expect([36, 44, 52, 60, 68, 76, 84, 92].map((o) => view.getFloat64(o, true))).toEqual([
      38.72, 7.93, 38.722, 7.931, 0, 0, 0, 0,
    ]);
  });

  it('numbers records from 1 with their content length in words, and the index points at them', () => {
    expect(shx.length).toBe(100 + 2 * 8);
    expect(index.getInt32(0, false)).toBe(9994);
    expect(index.getInt32(24, false)).toBe(shx.length / 2);
    expect(index.getInt32(32, true)).toBe(5);
    const offsets = [0, 1].map((i) => index.getInt32(100 + 8 * i, false));
    const lengths = [0, 1].map((i) => index.getInt32(104 + 8 * i, false));
    expect(offsets).toEqual([50, 50 + (8 + westContent) / 2]);
    expect(lengths).toEqual([westContent / 2, eastContent / 2]);
    for (const [i, offset] of offsets.entries()) {
      expect(view.getInt32(offset * 2, false)).toBe(i + 1);
      expect(view.getInt32(offset * 2 + 4, false)).toBe(lengths[i]);
    }
  });

  it('writes each record as type 5 with its own box, outer rings clockwise and holes counter-clockwise', () => {
    const west = readRecord(view, 108);
    const east = readRecord(view, 108 + westContent + 8);
    expect(west.type).toBe(5);
    expect(west.box).toEqual([38.72, 7.93, 38.721, 7.931]);
    expect(west.rings.map(isClockwise)).toEqual([true, false]);
    // The hole was drawn counter-clockwise: kept as drawn.
    expect(west.rings[1]).toEqual(ZONE_WEST.coordinates[1]);
    expect(west.rings[0]).toEqual(ZONE_WEST.coordinates[0]);
    expect(east.type).toBe(5);
    expect(east.box).toEqual([38.721, 7.93, 38.722, 7.931]);
    expect(east.rings.map(isClockwise)).toEqual([true]);
  });

  it('writes a multipolygon as one record with several outer rings', () => {
    const one = writeShp([polygonRecord([ZONE_WEST, ZONE_EAST])]);
    const record = readRecord(new DataView(one.shp.buffer), 108);
    expect(record.rings.map(isClockwise)).toEqual([true, false, true]);
    expect(record.box).toEqual([38.72, 7.93, 38.722, 7.931]);
  });
});
