import { deflateSync } from 'node:zlib';

/**
 * A uint16 GeoTIFF of one band or several (TIFF 6.0, baseline plus the tiling and predictor extensions, and
 * GeoTIFF 1.1 keys), laid out the ways Sentinel-2 products and GDAL write them: stripped or
 * tiled, uncompressed or DEFLATE (Adobe, zlib-wrapped: compression 8), with or without the
 * horizontal-differencing predictor (2). Used for test fixtures and benchmark scenes, so that
 * every layout the reader must handle is written by code in this repository.
 */
export interface GeoTiffLayout {
  /** Tile edge in pixels (a multiple of 16); absent for strips. */
  tileSize?: number;
  /** Rows per strip when stripped (default 16). */
  rowsPerStrip?: number;
  compression: 'none' | 'deflate';
  predictor: boolean;
}

export interface GeoTiffImage {
  width: number;
  height: number;
  /** One band, or several stored pixel-interleaved (PlanarConfiguration 1, as GDAL writes). */
  values: Uint16Array | readonly Uint16Array[];
  /** Upper-left corner of the upper-left pixel, in the CRS. */
  originX: number;
  originY: number;
  resolution: number;
  epsg: number;
  nodata?: number;
}

const TAG = {
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfig: 284,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  GeoKeyDirectory: 34735,
  GdalNodata: 42113,
} as const;
const SHORT = 3;
const LONG = 4;
const DOUBLE = 12;
const ASCII = 2;

export function encodeGeoTiff(image: GeoTiffImage, layout: GeoTiffLayout): Buffer {
  const { width, height } = image;
  const bands = image.values instanceof Uint16Array ? [image.values] : [...image.values];
  const n = bands.length;
  if (bands.some((b) => b.length !== width * height))
    throw new Error('values do not match width x height');
  const tiled = layout.tileSize !== undefined;
  if (tiled && layout.tileSize! % 16 !== 0) throw new Error('tile size must be a multiple of 16');
  const blockW = tiled ? layout.tileSize! : width;
  const blockH = tiled ? layout.tileSize! : (layout.rowsPerStrip ?? 16);
  const across = Math.ceil(width / blockW);
  const down = Math.ceil(height / blockH);

  // Each block: its pixels (tiles padded with zeros at the right and bottom edges), row by row.
  const blocks: Buffer[] = [];
  for (let by = 0; by < down; by++) {
    for (let bx = 0; bx < across; bx++) {
      const rows = tiled ? blockH : Math.min(blockH, height - by * blockH);
      const block = new Uint16Array(blockW * rows * n);
      const line = blockW * n;
      for (let r = 0; r < rows; r++) {
        const y = by * blockH + r;
        if (y >= height) continue;
        for (let c = 0; c < blockW; c++) {
          const x = bx * blockW + c;
          if (x < width)
            for (let b = 0; b < n; b++) block[r * line + c * n + b] = bands[b]![y * width + x]!;
        }
        if (layout.predictor) {
          // Horizontal differencing per sample (stride n), right to left so each difference
          // uses the original value.
          for (let i = line - 1; i >= n; i--)
            block[r * line + i] = (block[r * line + i]! - block[r * line + i - n]!) & 0xffff;
        }
      }
      const raw = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
      blocks.push(layout.compression === 'deflate' ? deflateSync(raw) : Buffer.from(raw));
    }
  }

  const geoKeys = [1, 1, 0, 3, 1024, 0, 1, image.epsg === 4326 ? 2 : 1, 1025, 0, 1, 1];
  geoKeys.push(image.epsg === 4326 ? 2048 : 3072, 0, 1, image.epsg);
  const entries: { tag: number; type: number; values: number[] | string }[] = [
    { tag: TAG.ImageWidth, type: LONG, values: [width] },
    { tag: TAG.ImageLength, type: LONG, values: [height] },
    { tag: TAG.BitsPerSample, type: SHORT, values: bands.map(() => 16) },
    { tag: TAG.Compression, type: SHORT, values: [layout.compression === 'deflate' ? 8 : 1] },
    { tag: TAG.Photometric, type: SHORT, values: [1] },
    { tag: TAG.SamplesPerPixel, type: SHORT, values: [n] },
    { tag: TAG.PlanarConfig, type: SHORT, values: [1] },
    { tag: TAG.Predictor, type: SHORT, values: [layout.predictor ? 2 : 1] },
    { tag: TAG.SampleFormat, type: SHORT, values: bands.map(() => 1) },
    { tag: TAG.ModelPixelScale, type: DOUBLE, values: [image.resolution, image.resolution, 0] },
    { tag: TAG.ModelTiepoint, type: DOUBLE, values: [0, 0, 0, image.originX, image.originY, 0] },
    { tag: TAG.GeoKeyDirectory, type: SHORT, values: geoKeys },
  ];
  if (image.nodata !== undefined)
    entries.push({ tag: TAG.GdalNodata, type: ASCII, values: `${image.nodata}\0` });
  const counts = blocks.map((b) => b.length);
  if (tiled) {
    entries.push(
      { tag: TAG.TileWidth, type: LONG, values: [blockW] },
      { tag: TAG.TileLength, type: LONG, values: [blockH] },
      { tag: TAG.TileOffsets, type: LONG, values: counts.map(() => 0) },
      { tag: TAG.TileByteCounts, type: LONG, values: counts },
    );
  } else {
    entries.push(
      { tag: TAG.StripOffsets, type: LONG, values: counts.map(() => 0) },
      { tag: TAG.RowsPerStrip, type: LONG, values: [blockH] },
      { tag: TAG.StripByteCounts, type: LONG, values: counts },
    );
  }
  entries.sort((a, b) => a.tag - b.tag);

  const size = (e: (typeof entries)[number]) =>
    typeof e.values === 'string'
      ? e.values.length
      : e.values.length * (e.type === SHORT ? 2 : e.type === LONG ? 4 : 8);
  const ifdBytes = 2 + entries.length * 12 + 4;
  let dataAt = 8 + ifdBytes;
  const placed = entries.map((e) => {
    const bytes = size(e);
    if (bytes <= 4) return { e, at: -1 };
    dataAt += dataAt % 2; // word-aligned values
    const at = dataAt;
    dataAt += bytes;
    return { e, at };
  });
  let blockAt = dataAt + (dataAt % 2);
  const offsets = blocks.map((b) => {
    const at = blockAt;
    blockAt += b.length;
    return at;
  });
  const offsetsEntry = placed.find(
    (p) => p.e.tag === TAG.TileOffsets || p.e.tag === TAG.StripOffsets,
  )!;
  offsetsEntry.e.values = offsets;

  const out = Buffer.alloc(blockAt);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  const put = (buffer: Buffer, at: number, e: (typeof entries)[number]) => {
    if (typeof e.values === 'string') {
      buffer.write(e.values, at, 'latin1');
      return;
    }
    e.values.forEach((v, i) => {
      if (e.type === SHORT) buffer.writeUInt16LE(v, at + 2 * i);
      else if (e.type === LONG) buffer.writeUInt32LE(v, at + 4 * i);
      else buffer.writeDoubleLE(v, at + 8 * i);
    });
  };
  placed.forEach(({ e, at }, i) => {
    const entry = 10 + i * 12;
    out.writeUInt16LE(e.tag, entry);
    out.writeUInt16LE(e.type, entry + 2);
    out.writeUInt32LE(typeof e.values === 'string' ? e.values.length : e.values.length, entry + 4);
    if (at < 0) put(out, entry + 8, e);
    else {
      out.writeUInt32LE(at, entry + 8);
      put(out, at, e);
    }
  });
  out.writeUInt32LE(0, 10 + entries.length * 12); // no next IFD
  blocks.forEach((b, i) => b.copy(out, offsets[i]));
  return out;
}
