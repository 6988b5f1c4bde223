import type { Polygon } from '@shamba/schemas';

export type Position = [number, number];
export type Ring = Position[];

/** The ring closed (first position repeated last), as RFC 7946 §3.1.6 and ESRI both require. */
export function closeRing(ring: readonly Position[]): Ring {
  const copy = ring.map(([x, y]) => [x, y] as Position);
  const first = copy[0];
  const last = copy.at(-1);
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1]))
    copy.push([first[0], first[1]]);
  return copy;
}

/**
 * Twice the signed planar area of a ring (shoelace formula) in its own coordinates: positive
 * when counter-clockwise with x east and y north. Longitude/latitude are fine for orientation:
 * a field is far smaller than the distortion that could flip a sign.
 */
export function signedArea2(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum;
}

export const isClockwise = (ring: readonly Position[]) => signedArea2(ring) < 0;

/** The ring in the orientation asked for (reversed when it is the other way round). */
export function oriented(ring: readonly Position[], clockwise: boolean): Ring {
  const closed = closeRing(ring);
  return isClockwise(closed) === clockwise ? closed : closed.reverse();
}

/**
 * A polygon's rings with the outer ring and the holes in the orientations a format asks for:
 * RFC 7946 §3.1.6 (right-hand rule) outer counter-clockwise, holes clockwise; the ESRI
 * Shapefile Technical Description (1998) p. 8 the reverse.
 */
export function orientedRings(polygon: Polygon, outerClockwise: boolean): Ring[] {
  return polygon.coordinates.map((ring, i) =>
    oriented(ring as Position[], i === 0 ? outerClockwise : !outerClockwise),
  );
}

export interface BBox {
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

export function bboxOf(rings: readonly (readonly Position[])[]): BBox {
  const box = { xMin: Infinity, yMin: Infinity, xMax: -Infinity, yMax: -Infinity };
  for (const ring of rings)
    for (const [x, y] of ring) {
      box.xMin = Math.min(box.xMin, x);
      box.yMin = Math.min(box.yMin, y);
      box.xMax = Math.max(box.xMax, x);
      box.yMax = Math.max(box.yMax, y);
    }
  return box;
}

export function unionBBox(boxes: readonly BBox[]): BBox {
  return {
    xMin: Math.min(...boxes.map((b) => b.xMin)),
    yMin: Math.min(...boxes.map((b) => b.yMin)),
    xMax: Math.max(...boxes.map((b) => b.xMax)),
    yMax: Math.max(...boxes.map((b) => b.yMax)),
  };
}

/** Ray casting (even-odd rule) over all the rings: inside the outer ring and in no hole. */
export function pointInRings(point: Position, rings: readonly (readonly Position[])[]): boolean {
  const [px, py] = point;
  let inside = false;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
    }
  return inside;
}
