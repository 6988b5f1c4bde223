import { ShambaError } from '@shamba/schemas';

/**
 * Checks a TIFF's structure before any decoder sees it (TIFF 6.0 §2, BigTIFF). geotiff.js
 * trusts what a file declares: an IFD chain that points back at itself loops for ever, and a
 * tiny file that declares a gigapixel tile makes it allocate gigabytes. Reads only the header
 * and the directories, through `read`, so it works on a local file or a COG over HTTP ranges.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface RasterBudget {
  /** Pixels per image (all bands). A Sentinel-2 10 m band is 10980 x 10980 = 120.6 Mpx. */
  maxPixels: number;
  /** Bytes one tile or strip may decode to. geotiff decodes a whole tile at once. */
  maxTileBytes: number;
  /** Images in one file: full resolution plus overviews (a 10980 px COG has about 6). */
  maxImages: number;
}

export const DEFAULT_BUDGET: RasterBudget = {
  maxPixels: 130_000_000,
  maxTileBytes: 64 * 2 ** 20,
  maxImages: 16,
};

/** Compressions geotiff.js decodes (its decoder registry). */
export const SUPPORTED_COMPRESSIONS: Record<number, string> = {
  1: 'none',
  5: 'LZW',
  7: 'JPEG',
  8: 'Deflate',
  32773: 'PackBits',
  32946: 'Deflate (old)',
  34887: 'LERC',
  50000: 'Zstandard',
};

export interface TiffImageInfo {
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number[];
  sampleFormat: number[];
  compression: string;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  blocks: number;
}

const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  16: 8,
  17: 8,
  18: 8,
};
const TAG = {
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;
/** Entries per directory: a GeoTIFF has a few dozen; 4096 bounds the work for a hostile one. */
const MAX_ENTRIES = 4096;

const invalid = (message: string) => new ShambaError('RASTER_INVALID', message);

export async function validateTiff(
  source: ByteSource,
  budget: RasterBudget = DEFAULT_BUDGET,
): Promise<TiffImageInfo[]> {
  if (source.size < 8) throw invalid(`${source.size} bytes is too short for a TIFF header`);
  const head = await source.read(0, Math.min(16, source.size));
  const order = String.fromCharCode(head[0]!, head[1]!);
  if (order !== 'II' && order !== 'MM') throw invalid('not a TIFF: no II/MM byte-order mark');
  const little = order === 'II';
  const view = (bytes: Uint8Array) =>
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view(head).getUint16(2, little);
  if (magic !== 42 && magic !== 43) throw invalid(`not a TIFF: magic ${magic}`);
  const big = magic === 43;
  const uint = (v: DataView, at: number, bytes: number): number => {
    if (bytes === 1) return v.getUint8(at);
    if (bytes === 2) return v.getUint16(at, little);
    if (bytes === 4) return v.getUint32(at, little);
    const n = v.getBigUint64(at, little);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('an offset beyond 2^53');
    return Number(n);
  };
  if (big && source.size < 16) throw invalid('too short for a BigTIFF header');
  let ifdOffset = big ? uint(view(head), 8, 8) : uint(view(head), 4, 4);
  const seen = new Set<number>();
  // The whole chain is walked first: a loop or a directory off the end is found before any
  // image is judged.
  const directories: Map<number, number[]>[] = [];

  while (ifdOffset !== 0) {
    if (seen.has(ifdOffset)) throw invalid(`IFD chain loops back to offset ${ifdOffset}`);
    seen.add(ifdOffset);
    if (directories.length >= budget.maxImages)
      throw new ShambaError('RASTER_TOO_LARGE', `more than ${budget.maxImages} images in one file`);
    const countBytes = big ? 8 : 2;
    const entryBytes = big ? 20 : 12;
    if (ifdOffset + countBytes > source.size)
      throw invalid(`IFD at ${ifdOffset} is beyond the end of the file (${source.size} bytes)`);
    const count = uint(view(await source.read(ifdOffset, countBytes)), 0, countBytes);
    if (count === 0 || count > MAX_ENTRIES)
      throw invalid(`IFD at ${ifdOffset} has ${count} entries`);
    const tableBytes = count * entryBytes + (big ? 8 : 4);
    if (ifdOffset + countBytes + tableBytes > source.size)
      throw invalid(`IFD at ${ifdOffset} runs past the end of the file`);
    const table = view(await source.read(ifdOffset + countBytes, tableBytes));
    const fields = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const at = i * entryBytes;
      const tag = uint(table, at, 2);
      const type = uint(table, at + 2, 2);
      const n = uint(table, at + 4, big ? 8 : 4);
      const size = TYPE_SIZES[type];
      if (size === undefined) continue; // unknown types are skipped by readers too
      const total = size * n;
      const inline = total <= (big ? 8 : 4);
      const valueAt = at + (big ? 12 : 8);
      const offset = inline ? -1 : uint(table, valueAt, big ? 8 : 4);
      if (!inline && offset + total > source.size)
        throw invalid(`tag ${tag} points past the end of the file`);
      if (
        !Object.values(TAG).includes(tag as (typeof TAG)[keyof typeof TAG]) ||
        ![1, 3, 4, 16].includes(type)
      )
        continue;
      if (n > 10_000_000)
        throw new ShambaError('RASTER_TOO_LARGE', `tag ${tag} declares ${n} values`);
      const bytes = inline
        ? new Uint8Array(table.buffer, table.byteOffset + valueAt, total)
        : await source.read(offset, total);
      const values = Array.from({ length: n }, (_, k) => uint(view(bytes), k * size, size));
      fields.set(tag, values);
    }
    directories.push(fields);
    ifdOffset = uint(table, count * entryBytes, big ? 8 : 4);
  }
  if (directories.length === 0) throw invalid('no image directory');
  return directories.map((fields) => checkImage(fields, budget, source.size));
}

function checkImage(
  fields: Map<number, number[]>,
  budget: RasterBudget,
  fileSize: number,
): TiffImageInfo {
  const one = (tag: number, fallback?: number) => {
    const value = fields.get(tag)?.[0] ?? fallback;
    if (value === undefined) throw invalid(`required tag ${tag} is missing`);
    return value;
  };
  const width = one(TAG.ImageWidth);
  const height = one(TAG.ImageLength);
  const samples = one(TAG.SamplesPerPixel, 1);
  if (width === 0 || height === 0 || samples === 0)
    throw invalid(`empty image ${width} x ${height} x ${samples}`);
  if (samples > 64) throw new ShambaError('RASTER_UNSUPPORTED', `${samples} samples per pixel`);
  if (width * height * samples > budget.maxPixels) {
    throw new ShambaError(
      'RASTER_TOO_LARGE',
      `${width} x ${height} x ${samples} is over the ${budget.maxPixels}-pixel budget`,
    );
  }
  const bits = fields.get(TAG.BitsPerSample) ?? [1];
  const formats = fields.get(TAG.SampleFormat) ?? [1];
  for (const b of bits)
    if (![8, 16, 32, 64].includes(b))
      throw new ShambaError('RASTER_UNSUPPORTED', `${b} bits per sample`);
  for (const f of formats)
    if (![1, 2, 3].includes(f)) throw new ShambaError('RASTER_UNSUPPORTED', `sample format ${f}`);
  const compressionCode = one(TAG.Compression, 1);
  const compression = SUPPORTED_COMPRESSIONS[compressionCode];
  if (compression === undefined)
    throw new ShambaError('RASTER_UNSUPPORTED', `compression ${compressionCode}`);
  const planar = one(TAG.PlanarConfiguration, 1);
  // Bytes of one pixel in one block: one sample when bands are planar, all samples when chunky.
  const sampleBits =
    bits.length === samples ? bits.reduce((sum, b) => sum + b, 0) : bits[0]! * samples;
  const bytesPerPixel = planar === 2 ? bits[0]! / 8 : sampleBits / 8;

  const tiled = fields.has(TAG.TileWidth);
  const blockWidth = tiled ? one(TAG.TileWidth) : width;
  const blockHeight = tiled ? one(TAG.TileLength) : Math.min(height, one(TAG.RowsPerStrip, height));
  if (blockWidth === 0 || blockHeight === 0) throw invalid('zero-sized tile or strip');
  if (blockWidth * blockHeight * bytesPerPixel > budget.maxTileBytes) {
    throw new ShambaError(
      'RASTER_TOO_LARGE',
      `a ${blockWidth} x ${blockHeight} block decodes to more than ${budget.maxTileBytes} bytes`,
    );
  }
  const across = Math.ceil(width / blockWidth);
  const down = Math.ceil(height / blockHeight);
  const blocks = across * down * (planar === 2 ? samples : 1);
  const offsets = fields.get(tiled ? TAG.TileOffsets : TAG.StripOffsets);
  const counts = fields.get(tiled ? TAG.TileByteCounts : TAG.StripByteCounts);
  if (offsets === undefined || counts === undefined) throw invalid('no tile or strip offsets');
  if (offsets.length !== blocks || counts.length !== blocks) {
    throw invalid(
      `${offsets.length} block offsets and ${counts.length} byte counts for ${blocks} blocks`,
    );
  }
  offsets.forEach((offset, i) => {
    if (offset + counts[i]! > fileSize)
      throw invalid(`block ${i} (${offset}+${counts[i]}) is beyond the end of the file`);
  });
  return {
    width,
    height,
    samplesPerPixel: samples,
    bitsPerSample: bits,
    sampleFormat: formats,
    compression,
    tiled,
    blockWidth,
    blockHeight,
    blocks,
  };
}

/** A whole file already in memory, as a ByteSource. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}
