import { stat } from 'node:fs/promises';
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
import { uploadsOwnerOf } from './uploads.js';
import { MAX_FOLDER_ENTRIES, listSceneFolders, listSceneItems } from './watch-folder.js';

/**
 * New items read per pass, so that a pass (and `close()`, which waits for it) is bounded by this
 * many reads, each bounded by the decode timeout, however many scenes arrive at once. A season's
 * backlog still goes in one pass: Sentinel-2's two satellites revisit every 5 days (ESA's
 * Sentinel-2 mission description), so a growing season of under 300 days is under 64 overpasses.
 */
export const MAX_NEW_ITEMS_PER_PASS = 64;

/**
 * A scene uploaded before scenes had owners: the upload route then wrote each one to the watch
 * folder itself as `upload-<epoch ms>-<4 random bytes, hex>` (api/src/http/multipart-upload.ts
 * at 6aa1e48). Whose it was, nobody recorded, and the registry's migration took its row
 * out of the shared list; read now, it would come back as a scene for every cooperative.
 */
const LEGACY_UPLOAD = /^upload-\d+-[0-9a-f]{8}$/;
const LEGACY_UPLOAD_FAILURE = {
  code: 'INVALID_REQUEST',
  reason: 'uploaded before scenes had owners: upload it again',
};

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

  /** Moves `folder` aside and records why; `ownerCoopId` for an upload (shared scenes: none). */
  async function quarantine(
    folder: string,
    failure: { name: string; ownerCoopId?: string | null; code: string; reason: string },
  ): Promise<void> {
    const { name } = failure;
    const atMs = clock();
    const moved = await moveAside(scenesDir, folder, atMs);
    try {
      await registry.scenes.quarantine({
        path: moved ?? folder,
        ownerCoopId: null,
        ...failure,
        atMs,
      });
    } catch (error) {
      logger.error({ err: error, scene: name }, 'scene quarantine could not be recorded');
    }
    logger.warn(
      {
        scene: name,
        ownerCoopId: null,
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
      await quarantine(folder, {
        name,
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
      await quarantine(folder, { name, code, reason });
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
    for (const owner of (await listSceneFolders(uploadsRoot)).folders) {
      const ownerDir = join(uploadsRoot, owner);
      for (const name of (await listSceneFolders(ownerDir)).folders) {
        if (stopping) return;
        const upload = join(ownerDir, name);
        const modified = await stat(upload).then(
          (s) => s.mtimeMs,
          () => Number.POSITIVE_INFINITY,
        );
        if (modified >= startedMs) continue;
        if ([...registered].some((p) => p.startsWith(`${upload}/`))) continue;
        await quarantine(upload, {
          name: `${UPLOAD_NAME}/${name}`,
          ownerCoopId: uploadsOwnerOf(owner),
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
    if (LEGACY_UPLOAD.test(name)) {
      // Moved aside unread, never a shared scene: its owner uploads it again (as theirs).
      await quarantine(folder, { name, ...LEGACY_UPLOAD_FAILURE });
      settled.add(name);
      return result;
    }
    let items: string[];
    try {
      items = await listSceneItems(folder);
    } catch (error) {
      await quarantine(folder, {
        name,
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
