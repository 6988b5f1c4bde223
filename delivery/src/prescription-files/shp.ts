// The .shp and .shx of a Polygon shapefile, byte by byte, from the ESRI Shapefile Technical
// Description (July 1998): its main file header, record headers, Polygon (type 5, p. 8) and
// index file sections. Written here rather than with @mapbox/shp-write: its src/poly.js writes
// rings in the order given (mapbox/shp-write#76, a fix open since 2019), so RFC 7946 outer
// rings come out counter-clockwise, holes to ESRI readers; its src/geojson.js keeps only a
// Polygon's first ring (holes dropped) and skips MultiPolygon features.
import { ShambaError, type Polygon } from '@shamba/schemas';
import { bboxOf, orientedRings, unionBBox, type BBox, type Ring } from './rings.js';

export const SHAPE_TYPE_POLYGON = 5; // Shape Types table
const FILE_CODE = 9994; // main file header, byte 0
const VERSION = 1000; // main file header, byte 28
const HEADER_BYTES = 100; // the main file header's length
const RECORD_HEADER_BYTES = 8; // record number and content length
const INDEX_RECORD_BYTES = 8; // offset and content length

/** One record: its rings, outer rings clockwise and holes counter-clockwise (p. 8). */
interface PolygonRecord {
  rings: Ring[];
  box: BBox;
}

/**
 * A record of one or more polygons (a multipolygon is one record with several outer rings,
 * p. 8): every ring closed and oriented as ESRI asks.
 */
export function polygonRecord(polygons: readonly Polygon[]): PolygonRecord {
  const rings = polygons.flatMap((p) => orientedRings(p, true));
  return { rings, box: bboxOf(rings) };
}

/** Bytes of a Polygon record's content: type, box, NumParts, NumPoints, Parts, Points (p. 8). */
const contentBytes = (r: PolygonRecord) =>
  4 + 32 + 4 + 4 + 4 * r.rings.length + 16 * r.rings.reduce((s, ring) => s + ring.length, 0);

/** The 100-byte header both files share (the same in .shx): lengths in 16-bit words, big-endian. */
function writeHeader(view: DataView, fileBytes: number, box: BBox) {
  view.setInt32(0, FILE_CODE, false);
  view.setInt32(24, fileBytes / 2, false);
  view.setInt32(28, VERSION, true);
  view.setInt32(32, SHAPE_TYPE_POLYGON, true);
  view.setFloat64(36, box.xMin, true);
  view.setFloat64(44, box.yMin, true);
  view.setFloat64(52, box.xMax, true);
  view.setFloat64(60, box.yMax, true);
  // Z and M ranges (68-99) stay 0: "unused, with value 0.0, if not Measured or Z type".
}

/** The .shp and .shx of polygon records, all of one shape type (Polygon), in order. */
export function writeShp(records: readonly PolygonRecord[]): { shp: Uint8Array; shx: Uint8Array } {
  if (records.length === 0)
    throw new ShambaError('INVALID_REQUEST', 'a shapefile needs at least one record');
  const shpBytes =
    HEADER_BYTES + records.reduce((s, r) => s + RECORD_HEADER_BYTES + contentBytes(r), 0);
  const shxBytes = HEADER_BYTES + INDEX_RECORD_BYTES * records.length;
  const shp = new Uint8Array(shpBytes);
  const shx = new Uint8Array(shxBytes);
  const shpView = new DataView(shp.buffer);
  const shxView = new DataView(shx.buffer);
  const box = unionBBox(records.map((r) => r.box));
  writeHeader(shpView, shpBytes, box);
  writeHeader(shxView, shxBytes, box);
  let offset = HEADER_BYTES;
  records.forEach((record, i) => {
    const content = contentBytes(record);
    // Index record: the record header's offset and the content length, in words, BE.
    shxView.setInt32(HEADER_BYTES + i * INDEX_RECORD_BYTES, offset / 2, false);
    shxView.setInt32(HEADER_BYTES + i * INDEX_RECORD_BYTES + 4, content / 2, false);
    // Record header: numbers start at 1; content length in words; big-endian.
    shpView.setInt32(offset, i + 1, false);
    shpView.setInt32(offset + 4, content / 2, false);
    let at = offset + RECORD_HEADER_BYTES;
    shpView.setInt32(at, SHAPE_TYPE_POLYGON, true);
    shpView.setFloat64(at + 4, record.box.xMin, true);
    shpView.setFloat64(at + 12, record.box.yMin, true);
    shpView.setFloat64(at + 20, record.box.xMax, true);
    shpView.setFloat64(at + 28, record.box.yMax, true);
    shpView.setInt32(at + 36, record.rings.length, true);
    shpView.setInt32(
      at + 40,
      record.rings.reduce((s, ring) => s + ring.length, 0),
      true,
    );
    at += 44;
    // Parts: the index of each ring's first point in Points.
    let first = 0;
    for (const ring of record.rings) {
      shpView.setInt32(at, first, true);
      at += 4;
      first += ring.length;
    }
    for (const ring of record.rings)
      for (const [x, y] of ring) {
        shpView.setFloat64(at, x, true);
        shpView.setFloat64(at + 8, y, true);
        at += 16;
      }
    offset += RECORD_HEADER_BYTES + content;
  });
  return { shp, shx };
}
