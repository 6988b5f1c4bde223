import type { GeoTIFFImage } from 'geotiff';
import { ShambaError } from '@shamba/schemas';
import { inflateBlock } from './inflate-pool.js';

/**
 * A window of one sample, read tile by tile for the layout satellite archives use (Sentinel-2 and
 * Landsat COGs: little-endian, tiled or stripped, uncompressed or DEFLATE, horizontal predictor
 * or none, one band per file or band-sequential). geotiff decodes every tile a window touches
 * in full and re-reads and re-inflates a tile for each window that touches it; here
 *  - inflated tiles are kept in a small cache shared by the windows of a pass (as GDAL's block
 *    cache does), so neighbouring fields inflate a tile once, and
 *  - the predictor is undone only for the window's rows, up to its last column, straight into
 *    the output: a 5 ha field (about 22 x 22 pixels at 10 m) touches a twentieth of the rows of
 *    a 512 x 512 tile.
 * Any other layout returns `undefined`, and the caller reads through geotiff.
 */
export type SamplePixels =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

interface PixelArrayConstructor {
  new (length: number): SamplePixels;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): SamplePixels;
}

interface TileLayout {
  tileWidth: number;
  tileHeight: number;
  tilesAcross: number;
  tilesDown: number;
  tiled: boolean;
  bytesPerSample: number;
  compression: 1 | 8;
  predictor: 1 | 2;
  array: PixelArrayConstructor;
}

const ARRAYS: Record<string, PixelArrayConstructor> = {
  '1/8': Uint8Array,
  '1/16': Uint16Array,
  '1/32': Uint32Array,
  '2/8': Int8Array,
  '2/16': Int16Array,
  '2/32': Int32Array,
  '3/32': Float32Array,
  '3/64': Float64Array,
};

async function tileLayout(image: GeoTIFFImage, sample: number): Promise<TileLayout | undefined> {
  const directory = image.fileDirectory;
  const samples = image.getSamplesPerPixel();
  // Pixel-interleaved bands (PlanarConfiguration 1 with several samples) go through geotiff.
  if (!image.littleEndian || (samples > 1 && image.planarConfiguration !== 2)) return undefined;
  const bits = image.getBitsPerSample(sample);
  const format = image.getSampleFormat(sample);
  const array = ARRAYS[`${format}/${bits}`];
  const compression = Number(directory.getValue('Compression') ?? 1);
  const predictor = Number((await directory.loadValue('Predictor')) ?? 1);
  if (array === undefined || (compression !== 1 && compression !== 8 && compression !== 32946))
    return undefined;
  // The horizontal predictor on unsigned integers only (floats use predictor 3).
  if (predictor !== 1 && !(predictor === 2 && format === 1)) return undefined;
  const tileWidth = image.getTileWidth();
  const tileHeight = image.getTileHeight();
  if (!(tileWidth > 0 && tileHeight > 0)) return undefined;
  return {
    tileWidth,
    tileHeight,
    tilesAcross: Math.ceil(image.getWidth() / tileWidth),
    tilesDown: Math.ceil(image.getHeight() / tileHeight),
    tiled: image.isTiled,
    bytesPerSample: bits / 8,
    compression: compression === 1 ? 1 : 8,
    predictor: predictor,
    array,
  };
}

/**
 * Inflated tiles, newest last, bounded in bytes: enough for a pass over a cooperative's fields
 * (128 Sentinel-2 tiles of 512 x 512 uint16), and let go when no window has been read for a
 * while, so a small box does not hold them between passes.
 */
const TILE_CACHE_BYTES = 64 * 2 ** 20;
const TILE_CACHE_IDLE_MS = 30_000;
const tiles = new Map<string, { bytes: number; data: Promise<Uint8Array> }>();
let cachedBytes = 0;
let idleTimer: NodeJS.Timeout | undefined;

function cached(key: string, bytes: number, load: () => Promise<Uint8Array>): Promise<Uint8Array> {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    tiles.clear();
    cachedBytes = 0;
  }, TILE_CACHE_IDLE_MS).unref();
  const hit = tiles.get(key);
  if (hit !== undefined) {
    tiles.delete(key);
    tiles.set(key, hit);
    return hit.data;
  }
  const data = load();
  tiles.set(key, { bytes, data });
  cachedBytes += bytes;
  data.catch(() => {
    if (tiles.get(key)?.data === data) {
      tiles.delete(key);
      cachedBytes -= bytes;
    }
  });
  for (const [oldest, entry] of tiles) {
    if (cachedBytes <= TILE_CACHE_BYTES || oldest === key) break;
    tiles.delete(oldest);
    cachedBytes -= entry.bytes;
  }
  return data;
}

/**
 * One tile (or strip) a window touches: its index among the file's tiles, its column and row in
 * the tile grid, and the bytes it holds once inflated.
 */
interface WindowTile {
  index: number;
  tx: number;
  ty: number;
  expectedBytes: number;
}

async function loadTile(
  image: GeoTIFFImage,
  layout: TileLayout,
  { index, expectedBytes: expected }: WindowTile,
): Promise<Uint8Array> {
  const directory = image.fileDirectory;
  const offset = Number(
    await directory.loadValueIndexed(layout.tiled ? 'TileOffsets' : 'StripOffsets', index),
  );
  const count = Number(
    await directory.loadValueIndexed(layout.tiled ? 'TileByteCounts' : 'StripByteCounts', index),
  );
  if (count === 0) return new Uint8Array(0); // a sparse tile: nodata (the caller fills it)
  const [raw] = (await image.source.fetch([{ offset, length: count }])) as ArrayBuffer[];
  // Either way a buffer of the tile's own, so typed views over it start aligned.
  const bytes = new Uint8Array(
    layout.compression === 1 ? raw! : await inflateBlock(new Uint8Array(raw!), expected),
  );
  if (bytes.byteLength < expected)
    throw new ShambaError(
      'RASTER_INVALID',
      `tile ${index} holds ${bytes.byteLength} bytes, its layout ${expected}`,
    );
  return bytes;
}

/** A pixel window [left, top, right, bottom) of an image. */
type PixelWindow = readonly [number, number, number, number];

export interface WindowRequest {
  window: PixelWindow;
  sample: number;
  /** Names the file version and image: tiles are cached under it. */
  cacheKey: string;
  /** Fills the pixels of sparse tiles (none: 0). */
  nodata: number | null;
}

/** Where a window's tiles are copied to: the window, its pixels, and how they are laid out. */
interface WindowOutput {
  layout: TileLayout;
  window: PixelWindow;
  out: SamplePixels;
  nodata: number | null;
}

/**
 * The window [left, top, right, bottom) of `sample`, or `undefined` for a layout this reader
 * leaves to geotiff.
 */
export async function readWindow(
  image: GeoTIFFImage,
  { window, sample, cacheKey, nodata }: WindowRequest,
): Promise<SamplePixels | undefined> {
  const layout = await tileLayout(image, sample);
  if (layout === undefined) return undefined;
  const [left, top, right, bottom] = window;
  const width = right - left;
  const out = new layout.array(width * (bottom - top));
  const target: WindowOutput = { layout, window, out, nodata };
  const { tileWidth, tileHeight } = layout;
  const planeOffset =
    image.planarConfiguration === 2 ? sample * layout.tilesAcross * layout.tilesDown : 0;
  const reads: Promise<void>[] = [];
  for (let ty = Math.floor(top / tileHeight); ty * tileHeight < bottom; ty++) {
    for (let tx = Math.floor(left / tileWidth); tx * tileWidth < right; tx++) {
      const index = planeOffset + ty * layout.tilesAcross + tx;
      // A strip at the bottom holds only the image's remaining rows; tiles are always whole.
      const rows = layout.tiled
        ? tileHeight
        : Math.min(tileHeight, image.getHeight() - ty * tileHeight);
      const tile: WindowTile = {
        index,
        tx,
        ty,
        expectedBytes: tileWidth * rows * layout.bytesPerSample,
      };
      reads.push(
        cached(`${cacheKey}|${index}`, tile.expectedBytes, () =>
          loadTile(image, layout, tile),
        ).then((bytes) => copyTile(tile, bytes, target)),
      );
    }
  }
  await Promise.all(reads);
  return out;
}

const MODULUS = [0, 2 ** 8, 2 ** 16, 0, 2 ** 32];

/** The part of tile (tx, ty) inside the window, predictor undone, into `out`. */
function copyTile({ tx, ty }: WindowTile, bytes: Uint8Array, target: WindowOutput): void {
  const { layout, out, nodata } = target;
  const [left, top, right, bottom] = target.window;
  const { tileWidth, tileHeight } = layout;
  const x0 = tx * tileWidth;
  const y0 = ty * tileHeight;
  const c0 = Math.max(left - x0, 0);
  const c1 = Math.min(right - x0, tileWidth);
  const r0 = Math.max(top - y0, 0);
  const r1 = Math.min(bottom - y0, tileHeight);
  const width = right - left;
  if (bytes.byteLength === 0) {
    for (let r = r0; r < r1; r++) {
      const at = (y0 + r - top) * width + x0 - left;
      out.fill(nodata ?? 0, at + c0, at + c1);
    }
    return;
  }
  // A view, not a copy: the cached bytes are never written.
  const tile = new layout.array(
    bytes.buffer,
    bytes.byteOffset,
    bytes.byteLength / layout.bytesPerSample,
  );
  if (layout.predictor === 1) {
    for (let r = r0; r < r1; r++) {
      const from = r * tileWidth;
      out.set(tile.subarray(from + c0, from + c1), (y0 + r - top) * width + x0 + c0 - left);
    }
    return;
  }
  // TIFF 6.0 §14, horizontal differencing: each sample is stored as the difference from its
  // left neighbour, modulo 2^bits. The running sum starts at the row's first pixel.
  // Writing into the typed output wraps the sum to the sample's width by itself.
  for (let r = r0; r < r1; r++) {
    const from = r * tileWidth;
    const to = (y0 + r - top) * width + x0 - left;
    let sum = 0;
    for (let c = 0; c < c0; c++) sum = (sum + tile[from + c]!) % MODULUS[layout.bytesPerSample]!;
    for (let c = c0; c < c1; c++) {
      sum = (sum + tile[from + c]!) % MODULUS[layout.bytesPerSample]!;
      out[to + c] = sum;
    }
  }
}
