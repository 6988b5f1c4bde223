import { open, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fromFile, fromUrl } from 'geotiff';
import { ShambaError } from '@shamba/schemas';
import { validateTiff, type ByteSource, type RasterBudget } from './tiff-guard.js';
import { useNativeDeflate } from './native-deflate.js';
import { readWindow } from './window-reader.js';

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

export interface SceneItem {
  id: string;
  acquiredMs: number;
  cloudCoverPct: number | null;
  bands: Record<
    string,
    {
      path: string;
      scale: number;
      offset: number;
      nodata: number | null;
      /** The band's sample in a multi-band file (0 for a file of one band). */
      sample?: number;
    }
  >;
}

interface StacAsset {
  href: string;
  'raster:bands'?: { scale?: number; offset?: number; nodata?: number }[];
  /** STAC eo extension: the bands a multi-band asset holds, in sample order. */
  'eo:bands'?: { name?: string }[];
}

/** Reads a STAC item (the sidecar of a scene's band files) for acquisition time and scaling. */
export async function readSceneItem(itemPath: string): Promise<SceneItem> {
  let item: {
    id?: unknown;
    properties?: Record<string, unknown>;
    assets?: Record<string, StacAsset>;
  };
  try {
    const text = isUrl(itemPath) ? await fetchText(itemPath) : await readFile(itemPath, 'utf8');
    item = JSON.parse(text) as typeof item;
  } catch (cause) {
    throw new ShambaError('RASTER_INVALID', `${itemPath} is not a STAC item`, { cause });
  }
  const datetime = item.properties?.datetime;
  const acquiredMs = typeof datetime === 'string' ? Date.parse(datetime) : Number.NaN;
  if (typeof item.id !== 'string' || Number.isNaN(acquiredMs) || item.assets === undefined) {
    throw new ShambaError(
      'RASTER_INVALID',
      `${itemPath}: a STAC item needs an id, properties.datetime and assets`,
    );
  }
  const bands: SceneItem['bands'] = {};
  for (const [name, asset] of Object.entries(item.assets)) {
    // An asset's href is absolute (a URL or a path) or relative to the item, wherever it is.
    const path = isUrl(asset.href)
      ? asset.href
      : isUrl(itemPath)
        ? new URL(asset.href, itemPath).href
        : resolve(dirname(itemPath), asset.href);
    const eo = asset['eo:bands'];
    // A multi-band file (STAC eo:bands): each band by its name, at its sample.
    const names =
      eo !== undefined && eo.length > 1 ? eo.map((b, i) => b.name ?? `${name}-${i}`) : [name];
    names.forEach((band, sample) => {
      const raster = asset['raster:bands']?.[sample];
      bands[band] = {
        path,
        scale: raster?.scale ?? 1,
        offset: raster?.offset ?? 0,
        nodata: raster?.nodata ?? null,
        ...(names.length > 1 ? { sample } : {}),
      };
    });
  }
  const cloud = item.properties?.['eo:cloud_cover'];
  return {
    id: item.id,
    acquiredMs,
    cloudCoverPct: typeof cloud === 'number' ? cloud : null,
    bands,
  };
}

const isUrl = (path: string) => /^https?:\/\//i.test(path);

/** Remote reads give up after this long: a stalled server must not hold a scene pass forever. */
const HTTP_TIMEOUT_MS = 30_000;

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/**
 * A Cloud-Optimized GeoTIFF over HTTP(S): the structure check reads the header and IFDs with
 * range requests, as geotiff then reads only the tiles a window needs. A server that ignores
 * Range (answers 200 with the whole file) is refused: a 10980 x 10980 band is hundreds of MB.
 */
async function httpSource(url: string): Promise<ByteSource & { close(): Promise<void> }> {
  const range = async (from: number, to: number) => {
    const response = await fetch(url, {
      headers: { range: `bytes=${from}-${to}` },
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    if (response.status !== 206) {
      await response.body?.cancel();
      throw new ShambaError(
        'RASTER_UNSUPPORTED',
        `${url} does not answer range requests (status ${response.status}): not cloud-optimized reading`,
      );
    }
    return response;
  };
  const first = await range(0, 0);
  await first.arrayBuffer();
  const total = Number(/\/(\d+)$/.exec(first.headers.get('content-range') ?? '')?.[1]);
  if (!Number.isFinite(total))
    throw new ShambaError('RASTER_INVALID', `${url}: no total size in Content-Range`);
  return {
    size: total,
    read: async (offset, length) => {
      const end = Math.min(total, offset + length) - 1;
      if (end < offset) return Buffer.alloc(0);
      return Buffer.from(await (await range(offset, end)).arrayBuffer());
    },
    close: () => Promise.resolve(),
  };
}

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
 * A band file, its structure checked (once per file version and budget) and its first image
 * opened. The few most recently used stay open; the oldest is closed past `MAX_OPEN`.
 */
async function openBand(path: string, budget?: RasterBudget): Promise<OpenedBand> {
  // A local file's version is its mtime and size; a URL is taken as immutable (COG archives are).
  const version = isUrl(path) ? 'url' : await stat(path).then((s) => `${s.mtimeMs}|${s.size}`);
  const key = `${path}|${version}|${JSON.stringify(budget ?? null)}`;
  const hit = opened.get(key);
  if (hit !== undefined) {
    opened.delete(key); // most recent last
    opened.set(key, hit);
    return hit;
  }
  const opening = (async (): Promise<OpenedBand> => {
    const source = isUrl(path) ? await httpSource(path) : await fileSource(path);
    try {
      await validateTiff(source, budget);
    } finally {
      await source.close();
    }
    const tiff = isUrl(path) ? await fromUrl(path, { allowFullFile: false }) : await fromFile(path);
    const image = await tiff.getImage();
    const keys = image.getGeoKeys() as Record<string, number | undefined> | null;
    const epsg = keys?.ProjectedCSTypeGeoKey ?? keys?.GeographicTypeGeoKey;
    if (epsg === undefined) {
      await tiff.close();
      throw new ShambaError('RASTER_UNSUPPORTED', `${path} has no EPSG code in its GeoKeys`);
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
 * so fields of a few hectares cost a few hundred pixels of a 10980 x 10980 tile. The window may
 * be given as a function of the band's EPSG code, for callers that know places in lon-lat only.
 */
export async function readBand(
  band: string,
  file: SceneItem['bands'][string],
  budget?: RasterBudget,
  windowFor?: MapWindow | ((epsg: number) => MapWindow),
  options: { resolutionM?: number } = {},
): Promise<BandRaster> {
  const opened = await openBand(file.path, budget);
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
    throw new ShambaError('RASTER_INVALID', `the window does not overlap ${file.path}`, {
      details: { outside: true },
    });
  }
  const nodata = file.nodata ?? image.getGDALNoData();
  const sample = file.sample ?? 0;
  const values =
    (await readWindow(
      image,
      [left, top, right, bottom],
      sample,
      `${opened.key}|${imageIndex}`,
      nodata,
    )) ??
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
