import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ShambaError } from '@shamba/schemas';
import { isHttpUrl } from '../remote/address-policy.js';

/**
 * Local scene files (uploads and the watch folder): an item read with a size cap, and asset
 * hrefs that stay inside the item's own folder. No message names a server path: an uploader
 * must not learn what exists on the box.
 */

/**
 * Reads at most `maxBytes` of a regular file, or throws `tooLarge()`: checked on the open handle
 * (so a FIFO or device named *.json is refused, not read for ever) and counted while reading
 * (so a file that grows after the check is still cut at the cap).
 */
export async function readBoundedFile(
  path: string,
  maxBytes: number,
  tooLarge: () => ShambaError,
): Promise<Buffer> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (open(2)); regular files ignore it.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    throw new ShambaError('RASTER_INVALID', 'the STAC item could not be read', { cause });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ShambaError('RASTER_INVALID', 'the STAC item is not a file');
    if (stats.size > maxBytes) throw tooLarge();
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge();
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

const refusedHref = (asset: string) =>
  new ShambaError(
    'RASTER_INVALID',
    `asset ${JSON.stringify(asset)}: an href must be a relative path inside the scene's folder or an http(s) URL`,
  );

/** A URI scheme (RFC 3986 §3.1): `file:`, `http:`, `data:`, ... */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** What an asset href of a local item names: a URL to fetch through the guard, or a file. */
export type LocalAssetTarget = { kind: 'url'; url: string } | { kind: 'file'; path: string };

/**
 * Resolves an asset href of an item at `itemDir`: an http(s) URL as is (fetched through the
 * address guard later), a relative path inside the item's folder as the file's real path
 * (symbolic links followed, and refused if they lead outside). Absolute paths, `file:` and any
 * other scheme, `..` out of the folder and NUL bytes are refused; a missing file is refused
 * without saying where it was looked for.
 */
export async function resolveLocalAsset(
  itemDir: string,
  asset: string,
  href: string,
): Promise<LocalAssetTarget> {
  if (isHttpUrl(href)) return { kind: 'url', url: href };
  if (SCHEME.test(href) || isAbsolute(href) || href.startsWith('\\') || href.includes('\0'))
    throw refusedHref(asset);
  const inside = (root: string, path: string) => {
    const rel = relative(root, path);
    return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
  };
  if (!inside(itemDir, resolve(itemDir, href))) throw refusedHref(asset);
  let real: string;
  let realDir: string;
  try {
    [real, realDir] = await Promise.all([realpath(resolve(itemDir, href)), realpath(itemDir)]);
  } catch (cause) {
    throw new ShambaError(
      'RASTER_INVALID',
      `asset ${JSON.stringify(asset)}: no such file in the scene's folder`,
      { cause },
    );
  }
  if (!inside(realDir, real)) throw refusedHref(asset);
  return { kind: 'file', path: real };
}
