import { dirname } from 'node:path';
import { ShambaError } from '@shamba/schemas';
import { readBoundedFile, resolveLocalAsset } from './local-assets.js';
import { isHttpUrl, refused, type RemoteAccess } from '../remote/address-policy.js';
import { remoteGet } from '../remote/guarded-fetch.js';

export interface SceneItem {
  id: string;
  acquiredMs: number;
  cloudCoverPct: number | null;
  bands: Record<
    string,
    {
      /** The band file: a real path inside the item's folder, or an http(s) URL. */
      path: string;
      scale: number;
      offset: number;
      nodata: number | null;
      /** The band's sample in a multi-band file (0 for a file of one band). */
      sample?: number;
      /** For a URL: the policy it may be fetched under (absent: public addresses only). */
      remoteAccess?: RemoteAccess;
    }
  >;
}

export interface SceneItemOptions {
  /** Which remote addresses the item and its band URLs may be fetched from (default: public). */
  remoteAccess?: RemoteAccess | undefined;
}

/**
 * A STAC item is a small JSON document (metadata and a list of asset links, STAC Item spec);
 * 1 MiB is far beyond any real one and far below what would strain JSON.parse (V8 aborts the
 * process, uncatchably, on an array too long for it).
 */
export const MAX_STAC_ITEM_BYTES = 2 ** 20;

const tooLarge = () => new ShambaError('RASTER_INVALID', 'STAC item larger than 1 MiB');
const notAnItem = (cause?: unknown) =>
  new ShambaError('RASTER_INVALID', 'not a STAC item', cause === undefined ? undefined : { cause });

interface StacAsset {
  href: string;
  'raster:bands'?: { scale?: number; offset?: number; nodata?: number }[];
  /** STAC eo extension: the bands a multi-band asset holds, in sample order. */
  'eo:bands'?: { name?: string }[];
}

/** The item's text, read with its size capped before anything parses it. */
async function itemText(itemPath: string, options: SceneItemOptions): Promise<string> {
  const bytes = isHttpUrl(itemPath)
    ? (
        await remoteGet({
          url: itemPath,
          access: options.remoteAccess,
          maxBytes: MAX_STAC_ITEM_BYTES,
          tooLarge,
        })
      ).body
    : await readBoundedFile(itemPath, MAX_STAC_ITEM_BYTES, tooLarge);
  return bytes.toString('utf8');
}

/**
 * Reads a STAC item (the sidecar of a scene's band files) for acquisition time and scaling:
 * a local file (upload, watch folder) or an http(s) URL, at most 1 MiB either way. A local
 * item's assets must be files inside its own folder (or URLs); a remote item's resolve against
 * its URL and are fetched only through the address guard.
 */
export async function readSceneItem(
  itemPath: string,
  options: SceneItemOptions = {},
): Promise<SceneItem> {
  let item: {
    id?: unknown;
    properties?: Record<string, unknown>;
    assets?: Record<string, StacAsset>;
  };
  const text = await itemText(itemPath, options);
  try {
    item = JSON.parse(text) as typeof item;
  } catch (cause) {
    throw notAnItem(cause);
  }
  if (typeof item !== 'object' || item === null) throw notAnItem();
  const datetime = item.properties?.datetime;
  const acquiredMs = typeof datetime === 'string' ? Date.parse(datetime) : Number.NaN;
  if (
    typeof item.id !== 'string' ||
    Number.isNaN(acquiredMs) ||
    typeof item.assets !== 'object' ||
    item.assets === null
  ) {
    throw new ShambaError(
      'RASTER_INVALID',
      'a STAC item needs an id, properties.datetime and assets',
    );
  }
  const bands: SceneItem['bands'] = {};
  for (const [name, asset] of Object.entries(item.assets)) {
    if (typeof asset !== 'object' || asset === null || typeof asset.href !== 'string')
      throw new ShambaError('RASTER_INVALID', `asset ${JSON.stringify(name)} has no href`);
    const path = await assetPath(itemPath, name, asset.href);
    const eo = asset['eo:bands'];
    // A multi-band file (STAC eo:bands): each band by its name, at its sample.
    const names =
      Array.isArray(eo) && eo.length > 1 ? eo.map((b, i) => b.name ?? `${name}-${i}`) : [name];
    names.forEach((band, sample) => {
      const raster = asset['raster:bands']?.[sample];
      bands[band] = {
        path,
        scale: raster?.scale ?? 1,
        offset: raster?.offset ?? 0,
        nodata: raster?.nodata ?? null,
        ...(names.length > 1 ? { sample } : {}),
        ...(isHttpUrl(path) && options.remoteAccess !== undefined
          ? { remoteAccess: options.remoteAccess }
          : {}),
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

/**
 * Where an asset is: a remote item's href resolves against the item's URL (and must stay
 * http(s)); a local item's is a URL or a file inside the item's own folder.
 */
async function assetPath(itemPath: string, name: string, href: string): Promise<string> {
  if (isHttpUrl(itemPath)) {
    let url: URL;
    try {
      url = new URL(href, itemPath);
    } catch (cause) {
      throw refused(cause);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused();
    return url.href;
  }
  const target = await resolveLocalAsset(dirname(itemPath), name, href);
  return target.kind === 'url' ? target.url : target.path;
}
