import { open, stat } from 'node:fs/promises';
import { fromFile } from 'geotiff';
import { ShambaError } from '@shamba/schemas';
import { isHttpUrl } from '../remote/address-policy.js';
import { httpSource, openRemoteTiff } from '../remote/remote-cog.js';
import type { SceneItem } from './stac-item.js';
import { validateTiff, type ByteSource, type RasterBudget } from '../tiff/tiff-guard.js';
import { useNativeDeflate } from '../tiff/native-deflate.js';
import { readWindow } from '../tiff/window-reader.js';

useNativeDeflate();

/** One band as read: pixel values with the georeferencing and reflectance scaling to use them. */
export interface BandRaster {
  band: string;
  width: number;
  height: number;
  /** Upper-left corner of the upper-left pixel, in the raster CRS. */
  originX: number;
  originY: number;
  /** Pixel size; Y is positive here, rows go south. */
  resolutionX: number;
  resolutionY: number;
  epsg: number;
  nodata: number | null;
  /** Reflectance = value x scale + offset (STAC raster:bands, or GDAL scale/offset). */
  scale: number;
  offset: number;
  values: ArrayLike<number>;
}

export { readSceneItem, MAX_STAC_ITEM_BYTES, type SceneItem } from './stac-item.js';

async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    read: async (offset, length) => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      await handle.read(buffer, 0, buffer.length, offset);
      return buffer;
    },
    close: () => handle.close(),
  };
}

/** A rectangle in the raster's CRS: minX, minY, maxX, maxY. */
export type MapWindow = [number, number, number, number];

/** A band file as a scene item names it: its path or URL, and how a URL may be fetched. */
type BandFile = SceneItem['bands'][string];

export interface ReadBandOptions {
  /** Limits the file's structure is checked against (default: tiff-guard's DEFAULT_BUDGET). */
  budget?: RasterBudget;
  /**
   * The part of the band to read (default: all of it); a function of the band's EPSG code for
   * callers that know places in lon-lat only.
   */
  window?: MapWindow | ((epsg: number) => MapWindow);
  /** A coarser answer is enough: read the coarsest overview no coarser than this. */
  resolutionM?: number;
}

interface OpenedBand {
  /** The file and its version: tiles are cached under it. */
  key: string;
  tiff: Awaited<ReturnType<typeof fromFile>>;
  image: Awaited<ReturnType<Awaited<ReturnType<typeof fromFile>>['getImage']>>;
  epsg: number;
  imageX: number;
  imageY: number;
  resolutionX: number;
  resolutionY: number;
}

/** Band files checked and opened, by path and version: a scene's fields read it many times. */
const opened = new Map<string, Promise<OpenedBand>>();
const MAX_OPEN = 16;

/**
 * A band file, its structure checked (once per file version, budget and access policy) and its
 * first image opened. The few most recently used stay open; the oldest is closed past
 * `MAX_OPEN`. A URL is read through the guarded fetch only (address policy, size caps).
 */
async function openBand(
  band: string,
  { path, remoteAccess: access }: BandFile,
  budget?: RasterBudget,
): Promise<OpenedBand> {
  // A local file's version is its mtime and size; a URL is taken as immutable (COG archives are).
  const version = isHttpUrl(path)
    ? 'url'
    : await stat(path).then(
        (s) => `${s.mtimeMs}|${s.size}`,
        (cause: unknown) => {
          // Not the path: a caller must not learn what exists on the server.
          throw new ShambaError('RASTER_INVALID', `band ${band}: the file could not be read`, {
            cause,
          });
        },
      );
  const key = `${path}|${version}|${JSON.stringify(budget ?? null)}|${JSON.stringify(access ?? null)}`;
  const hit = opened.get(key);
  if (hit !== undefined) {
    opened.delete(key); // most recent last
    opened.set(key, hit);
    return hit;
  }
  const opening = (async (): Promise<OpenedBand> => {
    const source = isHttpUrl(path)
      ? await httpSource(path, access)
      : await fileSource(path).catch((cause: unknown) => {
          throw new ShambaError('RASTER_INVALID', `band ${band}: the file could not be read`, {
            cause,
          });
        });
    try {
      await validateTiff(source, budget);
    } finally {
      await source.close();
    }
    const tiff = isHttpUrl(path) ? await openRemoteTiff(path, access) : await fromFile(path);
    const image = await tiff.getImage();
    const keys = image.getGeoKeys() as Record<string, number | undefined> | null;
    const epsg = keys?.ProjectedCSTypeGeoKey ?? keys?.GeographicTypeGeoKey;
    if (epsg === undefined) {
      await tiff.close();
      throw new ShambaError('RASTER_UNSUPPORTED', `band ${band} has no EPSG code in its GeoKeys`);
    }
    const [imageX, imageY] = image.getOrigin() as [number, number];
    const [resolutionX, signedResolutionY] = image.getResolution() as [number, number];
    return {
      key,
      tiff,
      image,
      epsg,
      imageX,
      imageY,
      resolutionX,
      resolutionY: Math.abs(signedResolutionY),
    };
  })();
  opened.set(key, opening);
  opening.catch(() => opened.delete(key));
  while (opened.size > MAX_OPEN) {
    const [oldest, band] = opened.entries().next().value as [string, Promise<OpenedBand>];
    opened.delete(oldest);
    band.then(async (b) => void (await b.tiff.close())).catch(() => undefined);
  }
  return opening;
}

/**
 * Reads one band file: its structure is checked first, then geotiff decodes it. With a window,
 * only the pixels covering it are decoded (geotiff reads just the tiles or strips it touches),
 * so fields of a few hectares cost a few hundred pixels of a 10980 x 10980 tile.
 */
export async function readBand(
  band: string,
  file: BandFile,
  options: ReadBandOptions = {},
): Promise<BandRaster> {
  const { budget, window: windowFor } = options;
  const opened = await openBand(band, file, budget);
  const { tiff, epsg, imageX, imageY } = opened;
  let { image, resolutionX, resolutionY } = opened;
  let imageIndex = 0;
  // A coarser answer is enough: the coarsest overview no coarser than asked (a COG's reduced-
  // resolution images share the full image's extent).
  if (options.resolutionM !== undefined && options.resolutionM > resolutionX) {
    const count = await tiff.getImageCount();
    for (let i = 1; i < count; i++) {
      const overview = await tiff.getImage(i);
      const [rx, ry] = overview.getResolution(opened.image) as [number, number];
      if (rx <= options.resolutionM && rx > resolutionX) {
        image = overview;
        imageIndex = i;
        resolutionX = rx;
        resolutionY = Math.abs(ry);
      }
    }
  }
  const window = typeof windowFor === 'function' ? windowFor(epsg) : windowFor;
  // The pixel window [left, top, right, bottom), clamped to the image.
  const [left, top, right, bottom] =
    window === undefined
      ? [0, 0, image.getWidth(), image.getHeight()]
      : [
          Math.max(0, Math.floor((window[0] - imageX) / resolutionX)),
          Math.max(0, Math.floor((imageY - window[3]) / resolutionY)),
          Math.min(image.getWidth(), Math.ceil((window[2] - imageX) / resolutionX)),
          Math.min(image.getHeight(), Math.ceil((imageY - window[1]) / resolutionY)),
        ];
  if (right <= left || bottom <= top) {
    throw new ShambaError('RASTER_INVALID', `the window does not overlap band ${band}`, {
      details: { outside: true },
    });
  }
  const nodata = file.nodata ?? image.getGDALNoData();
  const sample = file.sample ?? 0;
  // A STAC item that names more bands (eo:bands) than its file holds: the item is wrong, not
  // the server (geotiff would throw a bare RangeError, answered as a 500).
  const samples = image.getSamplesPerPixel();
  if (sample >= samples)
    throw new ShambaError(
      'RASTER_INVALID',
      `band ${band}: the file has ${samples} bands, not ${sample + 1}`,
    );
  const values =
    (await readWindow(image, {
      window: [left, top, right, bottom],
      sample,
      cacheKey: `${opened.key}|${imageIndex}`,
      nodata,
    })) ??
    (
      (await image.readRasters({
        window: [left, top, right, bottom],
        samples: [sample],
      })) as unknown as [ArrayLike<number>]
    )[0];
  return {
    band,
    width: right - left,
    height: bottom - top,
    originX: imageX + left * resolutionX,
    originY: imageY - top * resolutionY,
    resolutionX,
    resolutionY,
    epsg,
    nodata,
    scale: file.scale,
    offset: file.offset,
    values,
  };
}
