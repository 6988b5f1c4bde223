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
  compression: 'none' | 'deflate' | 'lzw';
  predictor: boolean;
  /** Overview factors (2, 4, ...): reduced-resolution images after the full one, averaged. */
  overviews?: readonly number[];
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
  NewSubfileType: 254,
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
  if (bands.some((b) => b.length !== width * height))
    throw new Error('values do not match width x height');
  if (layout.tileSize !== undefined && layout.tileSize % 16 !== 0)
    throw new Error('tile size must be a multiple of 16');
  // The full image, then each overview (reduced-resolution images, as a COG carries them).
  const levels = [{ factor: 1, width, height, bands }];
  for (const factor of layout.overviews ?? []) {
    const w = Math.ceil(width / factor);
    const h = Math.ceil(height / factor);
    levels.push({
      factor,
      width: w,
      height: h,
      bands: bands.map((b) => downsample(b, width, height, factor)),
    });
  }
  const ifds = levels.map((level, i) =>
    ifdEntries(level, image, layout, i === 0 ? null : level.factor),
  );

  // Layout: header, then each IFD with its values, then every image's blocks.
  let at = 8;
  const placed = ifds.map(({ entries }) => {
    const ifdAt = at + (at % 2);
    at = ifdAt + 2 + entries.length * 12 + 4;
    const values = entries.map((e) => {
      const bytes = byteSize(e);
      if (bytes <= 4) return -1;
      at += at % 2; // word-aligned values
      const where = at;
      at += bytes;
      return where;
    });
    return { ifdAt, values };
  });
  const blockOffsets = ifds.map(({ blocks }) =>
    blocks.map((b) => {
      at += at % 2;
      const where = at;
      at += b.length;
      return where;
    }),
  );
  const out = Buffer.alloc(at);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(placed[0]!.ifdAt, 4);
  ifds.forEach(({ entries, blocks }, level) => {
    const { ifdAt, values } = placed[level]!;
    const offsets = entries.find((e) => e.tag === TAG.TileOffsets || e.tag === TAG.StripOffsets)!;
    offsets.values = blockOffsets[level]!;
    out.writeUInt16LE(entries.length, ifdAt);
    entries.forEach((e, i) => {
      const entry = ifdAt + 2 + i * 12;
      out.writeUInt16LE(e.tag, entry);
      out.writeUInt16LE(e.type, entry + 2);
      out.writeUInt32LE(e.values.length, entry + 4);
      if (values[i]! < 0) putValues(out, entry + 8, e);
      else {
        out.writeUInt32LE(values[i]!, entry + 8);
        putValues(out, values[i]!, e);
      }
    });
    const nextIfd = placed[level + 1]?.ifdAt ?? 0;
    out.writeUInt32LE(nextIfd, ifdAt + 2 + entries.length * 12);
    blocks.forEach((b, i) => b.copy(out, blockOffsets[level]![i]));
  });
  return out;
}

interface Entry {
  tag: number;
  type: number;
  values: number[] | string;
}

function byteSize(e: Entry): number {
  return typeof e.values === 'string'
    ? e.values.length
    : e.values.length * (e.type === SHORT ? 2 : e.type === LONG ? 4 : 8);
}

function putValues(buffer: Buffer, at: number, e: Entry): void {
  if (typeof e.values === 'string') {
    buffer.write(e.values, at, 'latin1');
    return;
  }
  e.values.forEach((v, i) => {
    if (e.type === SHORT) buffer.writeUInt16LE(v, at + 2 * i);
    else if (e.type === LONG) buffer.writeUInt32LE(v, at + 4 * i);
    else buffer.writeDoubleLE(v, at + 8 * i);
  });
}

/** The mean of each factor x factor block (an overview by averaging, as `gdaladdo -r average`). */
function downsample(
  values: Uint16Array,
  width: number,
  height: number,
  factor: number,
): Uint16Array {
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const out = new Uint16Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let sum = 0;
      let count = 0;
      for (let dy = 0; dy < factor && y * factor + dy < height; dy++)
        for (let dx = 0; dx < factor && x * factor + dx < width; dx++) {
          sum += values[(y * factor + dy) * width + x * factor + dx]!;
          count++;
        }
      out[y * w + x] = Math.round(sum / count);
    }
  return out;
}

/** One image's blocks and tags; an overview (factor) is marked reduced-resolution, without geo tags. */
function ifdEntries(
  level: { width: number; height: number; bands: Uint16Array[] },
  image: GeoTiffImage,
  layout: GeoTiffLayout,
  overviewFactor: number | null,
): { entries: Entry[]; blocks: Buffer[] } {
  const { width, height, bands } = level;
  const n = bands.length;
  const tiled = layout.tileSize !== undefined;
  const blockW = tiled ? layout.tileSize! : width;
  const blockH = tiled ? layout.tileSize! : Math.min(height, layout.rowsPerStrip ?? 16);
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
      blocks.push(
        layout.compression === 'deflate'
          ? deflateSync(raw)
          : layout.compression === 'lzw'
            ? lzwEncode(raw)
            : Buffer.from(raw),
      );
    }
  }

  const entries: Entry[] = [
    { tag: TAG.ImageWidth, type: LONG, values: [width] },
    { tag: TAG.ImageLength, type: LONG, values: [height] },
    { tag: TAG.BitsPerSample, type: SHORT, values: bands.map(() => 16) },
    {
      tag: TAG.Compression,
      type: SHORT,
      values: [{ none: 1, lzw: 5, deflate: 8 }[layout.compression]],
    },
    { tag: TAG.Photometric, type: SHORT, values: [1] },
    { tag: TAG.SamplesPerPixel, type: SHORT, values: [n] },
    { tag: TAG.PlanarConfig, type: SHORT, values: [1] },
    { tag: TAG.Predictor, type: SHORT, values: [layout.predictor ? 2 : 1] },
    { tag: TAG.SampleFormat, type: SHORT, values: bands.map(() => 1) },
  ];
  if (overviewFactor !== null) {
    entries.push({ tag: TAG.NewSubfileType, type: LONG, values: [1] });
  } else {
    const geoKeys = [1, 1, 0, 3, 1024, 0, 1, image.epsg === 4326 ? 2 : 1, 1025, 0, 1, 1];
    geoKeys.push(image.epsg === 4326 ? 2048 : 3072, 0, 1, image.epsg);
    entries.push(
      { tag: TAG.ModelPixelScale, type: DOUBLE, values: [image.resolution, image.resolution, 0] },
      { tag: TAG.ModelTiepoint, type: DOUBLE, values: [0, 0, 0, image.originX, image.originY, 0] },
      { tag: TAG.GeoKeyDirectory, type: SHORT, values: geoKeys },
    );
  }
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
  return { entries, blocks };
}

/**
 * TIFF LZW (TIFF 6.0, section 13): codes MSB-first from 9 to 12 bits, ClearCode 256 first and
 * whenever the table fills, EndOfInformation 257 last, the code width growing one code early
 * ("early change"), as libtiff writes it.
 */
export function lzwEncode(data: Uint8Array): Buffer {
  const CLEAR = 256;
  const EOI = 257;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  const write = (code: number, width: number) => {
    acc = (acc << width) | code;
    bits += width;
    while (bits >= 8) {
      out.push((acc >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  };
  let table = new Map<number, number>();
  let next = 258;
  let width = 9;
  write(CLEAR, width);
  if (data.length === 0) {
    write(EOI, width);
  } else {
    let prefix = data[0]!;
    for (let i = 1; i < data.length; i++) {
      const c = data[i]!;
      const key = prefix * 256 + c;
      const found = table.get(key);
      if (found !== undefined) {
        prefix = found;
        continue;
      }
      write(prefix, width);
      table.set(key, next++);
      if (next >= 4094) {
        write(CLEAR, width);
        table = new Map();
        next = 258;
        width = 9;
      } else if (next >= 1 << width) {
        width++;
      }
      prefix = c;
    }
    write(prefix, width);
    write(EOI, next + 1 >= 1 << width && width < 12 ? width + 1 : width);
  }
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff);
  return Buffer.from(out);
}
