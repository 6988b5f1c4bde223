import { opendir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import { isShambaError } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';
import {
  MAX_ATTEMPTS,
  createAttemptLog,
  isTransient,
  moveAside,
  scrubReason,
} from './quarantine.js';
import { MAX_FOLDER_ENTRIES, listSceneFolders, listSceneItems } from './watch-folder.js';

/**
 * New items read per pass. A scene decodes in about a second here, so a pass stays near a
 * minute however many scenes arrive at once, and `close()` waits for no more than that; a
 * season's backlog (22 scenes at a 5-day revisit over 110 days) still goes in one pass.
 */
export const MAX_NEW_ITEMS_PER_PASS = 64;

export interface WatchScanOptions {
  registry: Registry;
  logger: Logger;
  /** Absolute. */
  scenesDir: string;
  /** Absolute: `<scenesDir>/.uploads`, swept once for uploads a stopped process left. */
  uploadsRoot: string;
  clock: () => number;
  /** Reads and registers one item as a shared scene; throws what reading it threw. */
  process(itemPath: string): Promise<'processed' | 'known' | 'no-fields'>;
}

type Attempt = 'processed' | 'known' | 'no-fields' | 'retry' | 'quarantined';

/**
 * The watch folder's scan. Nothing in the folder can stop the process or loop it: entries are
 * bounded (watch-folder.ts), only real directories are scenes, and an item that fails is
 * quarantined (moved to `.quarantine/`, recorded, logged once), at once when the failure is the
 * file's, after MAX_ATTEMPTS when it may be ours. Attempts are counted on disk before each read,
 * so a file that kills the process mid-read is quarantined after MAX_ATTEMPTS restarts at most.
 */
export function createWatchScan(options: WatchScanOptions) {
  const { registry, logger, scenesDir, uploadsRoot, clock } = options;
  const attempts = createAttemptLog(scenesDir);
  /** Items done with (processed or known). */
  const seen = new Set<string>();
  /** Scene folders with nothing left to do (every item done, or quarantined). */
  const settled = new Set<string>();
  /** Entries that are no scene folder, logged once each (bounded like the listing). */
  const noted = new Set<string>();
  const startedMs = Date.now(); // wall time: compared with file times
  let first = true;
  /** The folder the last pass ended after, when it ran out of budget. */
  let resumeAfter: string | undefined;
  let stopping = false;

  async function quarantine(
    folder: string,
    name: string,
    owner: string | null,
    failure: { code: string; reason: string },
  ): Promise<void> {
    const atMs = clock();
    const moved = await moveAside(scenesDir, folder, atMs);
    try {
      await registry.scenes.quarantine({
        path: moved ?? folder,
        name,
        ownerCoopId: owner,
        ...failure,
        atMs,
      });
    } catch (error) {
      logger.error({ err: error, scene: name }, 'scene quarantine could not be recorded');
    }
    logger.warn(
      {
        scene: name,
        ownerCoopId: owner,
        ...failure,
        movedTo: moved === null ? null : relative(scenesDir, moved),
      },
      moved === null
        ? 'scene quarantined (could not be moved: rename its folder to have it read again)'
        : 'scene quarantined (move its folder back to have it read again)',
    );
  }

  /** One item, once: counted, read, and on failure retried later or quarantined. */
  async function attempt(itemPath: string, folder: string): Promise<Attempt> {
    const name = relative(scenesDir, itemPath);
    const before = await attempts.read(name);
    if (before.count >= MAX_ATTEMPTS) {
      // Begun that often and never finished or failed for good: it stopped the process.
      await quarantine(folder, name, null, {
        code: before.code ?? 'WORKER_FAILED',
        reason:
          before.reason ?? `reading it stopped the process ${before.count} times; not read again`,
      });
      await attempts.clear(name);
      return 'quarantined';
    }
    const now = await attempts.begin(name);
    try {
      const outcome = await options.process(itemPath);
      await attempts.clear(name);
      return outcome;
    } catch (error) {
      if (stopping) return 'retry'; // shutting down mid-read: not the file's doing
      const code = isShambaError(error) ? error.code : 'RASTER_INVALID';
      const message = error instanceof Error ? error.message : String(error);
      const reason = scrubReason(message, [scenesDir]);
      if (isTransient(error) && now.count < MAX_ATTEMPTS) {
        await attempts.failed(name, code, reason);
        logger.warn(
          { scene: name, code, reason, attempt: now.count, of: MAX_ATTEMPTS },
          'scene read failed; it is read again next pass',
        );
        return 'retry';
      }
      await quarantine(folder, name, null, { code, reason });
      await attempts.clear(name);
      return 'quarantined';
    }
  }

  /** Once per process: what earlier runs left (quarantines that could not move, dead uploads). */
  async function recover(): Promise<void> {
    const registered = new Set((await registry.scenes.list()).map((s) => resolve(s.itemPath)));
    for (const path of registered) if (dirname(dirname(path)) === scenesDir) seen.add(path);
    for (const q of await registry.scenes.quarantined())
      if (dirname(q.path) === scenesDir) settled.add(basename(q.path));
    // An upload is registered while its request waits; a folder from before this process
    // started that holds no registered scene is one whose read stopped the process.
    const folders = await subfolders(uploadsRoot);
    for (const ownerDir of folders.slice(0, MAX_FOLDER_ENTRIES)) {
      const owner = basename(ownerDir);
      for (const upload of await subfolders(ownerDir)) {
        if (stopping) return;
        const modified = await stat(upload).then(
          (s) => s.mtimeMs,
          () => Number.POSITIVE_INFINITY,
        );
        if (modified >= startedMs) continue;
        if ([...registered].some((p) => p.startsWith(`${upload}/`))) continue;
        await quarantine(upload, `${UPLOAD_NAME}/${basename(upload)}`, ownerOf(owner), {
          code: 'WORKER_FAILED',
          reason: 'the process stopped while this upload was read; not read again',
        });
      }
    }
  }

  /** One scene folder's new items, at most `budget` read; `finished`: none left unread. */
  async function scanFolder(
    name: string,
    budget: number,
  ): Promise<{ processed: number; read: number; finished: boolean }> {
    const result = { processed: 0, read: 0, finished: true };
    const folder = join(scenesDir, name);
    let items: string[];
    try {
      items = await listSceneItems(folder);
    } catch (error) {
      await quarantine(folder, name, null, {
        code: 'INVALID_REQUEST',
        reason: `the scene folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      });
      settled.add(name);
      return result;
    }
    if (items.length === 0) return result; // not a scene (yet): its item may be on its way
    let pending = false;
    for (const itemPath of items) {
      if (seen.has(itemPath)) continue;
      if (stopping || result.read >= budget) {
        result.finished = false;
        return result;
      }
      result.read++;
      const outcome = await attempt(itemPath, folder);
      if (outcome === 'quarantined') {
        settled.add(name); // the folder is gone: its other items with it
        return result;
      }
      if (outcome === 'processed') result.processed++;
      if (outcome === 'processed' || outcome === 'known') seen.add(itemPath);
      else pending = true; // no fields yet, or a retry: read again next pass
    }
    if (!pending) settled.add(name);
    return result;
  }

  async function runOnce(): Promise<number> {
    if (first) {
      await recover(); // again next pass if it failed (the store away)
      first = false;
    }
    let processed = 0;
    let budget = MAX_NEW_ITEMS_PER_PASS;
    const listing = await listSceneFolders(scenesDir);
    for (const name of listing.skipped) {
      if (noted.has(name) || noted.size >= MAX_FOLDER_ENTRIES) continue;
      noted.add(name);
      logger.warn({ entry: name }, 'watch folder: not a scene folder (a file or a link); skipped');
    }
    if (listing.truncated && !noted.has('\0truncated')) {
      noted.add('\0truncated');
      logger.warn({ max: MAX_FOLDER_ENTRIES }, 'watch folder: too many entries; read in part');
    }
    // Each pass goes on after the folder where the last one ran out of budget: items read again
    // every pass (no fields yet, a retry) cannot keep the ones behind them waiting.
    const after = listing.folders.filter((n) => resumeAfter !== undefined && n > resumeAfter);
    const order = [...after, ...listing.folders.slice(0, listing.folders.length - after.length)];
    let lastDone: string | undefined;
    resumeAfter = undefined;
    for (const name of order) {
      if (stopping) break;
      if (!settled.has(name)) {
        const folder = await scanFolder(name, budget);
        processed += folder.processed;
        budget -= folder.read;
        if (!folder.finished) {
          resumeAfter = lastDone; // out of budget inside this folder: begin here next pass
          break;
        }
      }
      lastDone = name;
      if (budget <= 0) {
        resumeAfter = lastDone;
        break;
      }
    }
    return processed;
  }

  return {
    runOnce,
    /** Stops between items: a pass in flight ends after the item it is reading. */
    stop() {
      stopping = true;
    },
  };
}

const UPLOAD_NAME = 'upload';

function ownerOf(folderName: string): string | null {
  return folderName === '_shared' ? null : folderName;
}

async function subfolders(root: string): Promise<string[]> {
  const found: string[] = [];
  try {
    const dir = await opendir(root);
    let seen = 0;
    for await (const entry of dir) {
      if (++seen > MAX_FOLDER_ENTRIES) break;
      if (entry.isDirectory()) found.push(join(root, entry.name));
    }
  } catch {
    // none
  }
  return found.sort();
}
