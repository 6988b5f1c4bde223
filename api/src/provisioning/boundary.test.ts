import { describe, expect, it } from 'vitest';
import { isShambaError, type Polygon } from '@shamba/schemas';
import { checkBoundary, checkZones, MAX_BOUNDARY_POSITIONS } from './boundary.js';

// Near Bishoftu, Ethiopia: metres to degrees on the WGS 84 ellipsoid at 8.75° N (to 0.1%).
const LAT0 = 8.75;
const LON0 = 38.98;
const M_PER_DEG_LAT = 110_592;
const M_PER_DEG_LON = 110_030;
const at = (xM: number, yM: number): [number, number] => [
  LON0 + xM / M_PER_DEG_LON,
  LAT0 + yM / M_PER_DEG_LAT,
];
/** A closed counter-clockwise rectangle ring, corners (x0, y0) and (x1, y1), in metres. */
const rect = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  at(x0, y0),
  at(x1, y0),
  at(x1, y1),
  at(x0, y1),
  at(x0, y0),
];
const poly = (...rings: [number, number][][]): Polygon => ({ type: 'Polygon', coordinates: rings });

/** What a check refuses with: its code and message, or 'accepted'. */
function refusal(check: () => unknown) {
  try {
    check();
    return 'accepted';
  } catch (error) {
    if (!isShambaError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('checkBoundary', () => {
  it('gives the geodesic area of a 100 m square (1 ha) and subtracts a 20 m hole', () => {
    const square = poly(rect(0, 0, 100, 100));
    expect(checkBoundary(square)).toEqual({
      boundary: square,
      areaHa: expect.closeTo(1, 2) as number,
    });
    const holed = poly(rect(0, 0, 100, 100), rect(40, 40, 60, 60).reverse());
    expect(checkBoundary(holed)).toEqual({
      boundary: holed,
      areaHa: expect.closeTo(0.96, 2) as number,
    });
  });

  it('drops positions repeated one after the other (a walk that stood still)', () => {
    const ring = rect(0, 0, 100, 100);
    const stuttering = poly([ring[0]!, ring[1]!, ring[1]!, ring[2]!, ring[3]!, ring[3]!, ring[4]!]);
    expect(checkBoundary(stuttering).boundary).toEqual(poly(ring));
  });

  it('refuses open rings, too few positions, crossings, stray and nested holes', () => {
    const open = rect(0, 0, 100, 100).slice(0, 4);
    open.push(at(0, 1));
    expect(refusal(() => checkBoundary(poly(open)))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'boundary: the outer ring is not closed: its last position must equal its first',
    });
    const [a, b] = rect(0, 0, 100, 100);
    expect(refusal(() => checkBoundary(poly([a!, b!, b!, a!, a!])))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'boundary: the outer ring needs at least 4 positions: 3 corners and the closing one',
    });
    const bowTie = poly([at(0, 0), at(100, 100), at(100, 0), at(0, 100), at(0, 0)]);
    expect(refusal(() => checkBoundary(bowTie))).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(
        /^boundary: its rings cross themselves or each other \(at /,
      ) as string,
    });
    const strayHole = poly(rect(0, 0, 100, 100), rect(200, 200, 220, 220));
    expect(refusal(() => checkBoundary(strayHole))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'boundary: hole 1 is not inside the outer ring',
    });
    const crossingHole = poly(rect(0, 0, 100, 100), rect(90, 40, 120, 60));
    expect(refusal(() => checkBoundary(crossingHole))).toMatchObject({
      message: expect.stringMatching(/cross themselves or each other/) as string,
    });
    const nested = poly(rect(0, 0, 100, 100), rect(20, 20, 80, 80), rect(40, 40, 60, 60));
    expect(refusal(() => checkBoundary(nested))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'boundary: holes 1 and 2 overlap',
    });
  });

  it('refuses areas under 100 m² and over 10 000 ha, and too many positions', () => {
    expect(refusal(() => checkBoundary(poly(rect(0, 0, 5, 5))))).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(/^boundary: its area, 25\.\d m², is under 100 m²$/) as string,
    });
    expect(refusal(() => checkBoundary(poly(rect(0, 0, 20_000, 20_000))))).toEqual({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(
        /^boundary: its area, 40\d\d\d\.\d ha, is over 10000 ha$/,
      ) as string,
    });
    // Just under 10 000 ha: accepted (a large block farm).
    const large = checkBoundary(poly(rect(0, 0, 9_900, 9_900))).areaHa;
    expect([large > 9_700, large < 10_000]).toEqual([true, true]);
    // A 100 m radius circle (3.14 ha) of `n` positions, the closing one included.
    const circle = (n: number) => {
      const ring: [number, number][] = [];
      for (let i = 0; i < n - 1; i++) {
        const angle = (2 * Math.PI * i) / (n - 1);
        ring.push(at(100 * Math.cos(angle), 100 * Math.sin(angle)));
      }
      return poly([...ring, ring[0]!]);
    };
    expect(refusal(() => checkBoundary(circle(MAX_BOUNDARY_POSITIONS + 1)))).toEqual({
      code: 'INVALID_REQUEST',
      message: `boundary: at most ${MAX_BOUNDARY_POSITIONS} positions (it has ${MAX_BOUNDARY_POSITIONS + 1})`,
    });
    expect(checkBoundary(circle(MAX_BOUNDARY_POSITIONS))).toEqual({
      boundary: circle(MAX_BOUNDARY_POSITIONS),
      areaHa: expect.closeTo(Math.PI, 1) as number,
    });
  });
});

describe('checkZones', () => {
  const field = poly(rect(0, 0, 100, 100));
  const west = { id: 'z-west', boundary: poly(rect(0, 0, 50, 100)) };
  const east = { id: 'z-east', boundary: poly(rect(50, 0, 100, 100)) };

  it('accepts zones that share an edge, each with its own area', () => {
    expect(checkZones(field, [west, east])).toEqual([
      { boundary: west.boundary, areaHa: expect.closeTo(0.5, 2) as number },
      { boundary: east.boundary, areaHa: expect.closeTo(0.5, 2) as number },
    ]);
  });

  it('tolerates a sliver under 1% of a zone; refuses a zone outside, overlaps and repeated ids', () => {
    // 0.4 m over the edge of a 50 m wide zone: 0.8% of it.
    const sliver = { id: 'z-east', boundary: poly(rect(49.6, 0, 100, 100)) };
    expect(checkZones(field, [west, sliver])).toHaveLength(2);
    const outside = { id: 'z-out', boundary: poly(rect(50, 0, 110, 100)) };
    expect(refusal(() => checkZones(field, [west, outside]))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'zone z-out: it lies outside the field boundary',
    });
    const over = { id: 'z-over', boundary: poly(rect(40, 0, 100, 100)) };
    expect(refusal(() => checkZones(field, [west, over]))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'zones: zones z-west and z-over overlap',
    });
    expect(refusal(() => checkZones(field, [west, { ...east, id: 'z-west' }]))).toEqual({
      code: 'INVALID_REQUEST',
      message: 'zones: the id z-west is used twice',
    });
  });
});
