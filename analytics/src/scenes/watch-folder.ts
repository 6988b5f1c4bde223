import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Entries looked at in the watch folder per pass. A tile's archive of several years holds a few
 * hundred scenes; ten thousand names are well under a megabyte to hold, so a folder flooded with
 * entries costs a bounded listing each pass, never an unbounded one.
 */
export const MAX_FOLDER_ENTRIES = 10_000;
/**
 * Entries looked at in one scene's folder: a scene is an item and its band files (Sentinel-2
 * L2A: 13 bands and a scene classification), so 64 leaves room and bounds a folder of junk.
 */
export const MAX_SCENE_ENTRIES = 64;

export interface Listing {
  /** Scene folders (names, sorted); dot-folders (quarantine, uploads, state) are not scenes. */
  folders: string[];
  /** Entries passed over: files, symbolic links, special files (names only). */
  skipped: string[];
  /** More entries than MAX_FOLDER_ENTRIES: the rest wait for a later pass. */
  truncated: boolean;
}

/**
 * The watch folder's scene folders (or the uploads' folders), at most MAX_FOLDER_ENTRIES looked
 * at. Only real directories count: a symbolic link could point anywhere on the box, and a file
 * is not a scene.
 */
export async function listSceneFolders(root: string): Promise<Listing> {
  const listing: Listing = { folders: [], skipped: [], truncated: false };
  let dir;
  try {
    dir = await opendir(root);
  } catch {
    return listing; // no watch folder (yet): nothing to do
  }
  let seen = 0;
  try {
    for await (const entry of dir) {
      if (++seen > MAX_FOLDER_ENTRIES) {
        listing.truncated = true;
        break;
      }
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) listing.folders.push(entry.name);
      else listing.skipped.push(entry.name);
    }
  } finally {
    // Breaking out of the iterator closes the handle; closing again is refused, harmlessly.
    await dir.close().catch(() => undefined);
  }
  listing.folders.sort();
  return listing;
}

/**
 * The STAC items (`*.json`, regular files only) of one scene folder, as paths, sorted. Throws
 * what opendir throws (an unreadable folder): the caller quarantines it.
 */
export async function listSceneItems(folder: string): Promise<string[]> {
  const items: string[] = [];
  const dir = await opendir(folder);
  let seen = 0;
  try {
    for await (const entry of dir) {
      if (++seen > MAX_SCENE_ENTRIES) break;
      if (entry.isFile() && entry.name.endsWith('.json') && !entry.name.startsWith('.'))
        items.push(join(folder, entry.name));
    }
  } finally {
    await dir.close().catch(() => undefined);
  }
  return items.sort();
}
