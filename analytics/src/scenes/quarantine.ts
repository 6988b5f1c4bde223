import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isShambaError, truncateText } from '@shamba/schemas';

/** Where failed scene folders are moved, under the watch folder (a dot-folder: never scanned). */
export const QUARANTINE_DIR = '.quarantine';
/** Where each scene's read attempts are counted, so a crash mid-read counts too. */
export const ATTEMPTS_DIR = '.attempts';

/**
 * Reads of one scene before it is quarantined when the failure may be ours, not the file's
 * (see `isTransient`). Three: a worker replaced mid-task or a store briefly away fails one
 * attempt, rarely two in a row a pass apart; a file that fails three times (or stops the process
 * three times) is the file. It bounds the cost of a file that makes the decoder loop to three
 * watchdog timeouts, once.
 */
export const MAX_ATTEMPTS = 3;

/**
 * A stored reason is at most this long: enough for the first issue a reader met, and one
 * hostile file cannot make a large row (issue 13, case 9, for dead letters; the same here).
 */
export const MAX_REASON_CHARS = 300;

/**
 * A failure that may not be the file's: the worker pool replacing a worker (a neighbouring
 * task's crash fails every task of that worker, and a watchdog timeout looks the same), the
 * store refusing a commit (disk full, locked), or an error that is no ShambaError (a file system
 * error of ours, EMFILE, ENOSPC). Everything else (RASTER_*, INVALID_*, NOT_FOUND) is a verdict
 * on the file and is final at once: reading it again gives the same answer.
 */
export function isTransient(error: unknown): boolean {
  if (!isShambaError(error)) return true;
  return (
    error.code === 'WORKER_FAILED' ||
    error.code === 'STORE_UNAVAILABLE' ||
    error.code === 'STORE_REJECTED'
  );
}

/**
 * An error's message without server paths or addresses (errors a user sees never carry them):
 * the known roots made relative, any other absolute path cut to its base name, URLs hidden,
 * and the whole cut to MAX_REASON_CHARS.
 */
export function scrubReason(message: string, roots: readonly string[]): string {
  let text = message;
  for (const root of roots) if (root.length > 1) text = text.split(`${root}/`).join('');
  text = text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'"`]+/gi, '<url>')
    .replace(/(?<![\w.<>-])\/[^\s'"`,;:)]+/g, (path) => basename(path) || '<path>');
  return truncateText(text, MAX_REASON_CHARS);
}

/**
 * Moves a scene's folder into `<root>/.quarantine/<name>-<stamp>`; the new path, or null when
 * it could not be moved (a read-only watch folder): the caller then skips it by name.
 */
export async function moveAside(
  root: string,
  folder: string,
  atMs: number,
): Promise<string | null> {
  const target = join(
    root,
    QUARANTINE_DIR,
    `${basename(folder)}-${new Date(atMs).toISOString().replace(/[:.]/g, '')}`,
  );
  try {
    await mkdir(join(root, QUARANTINE_DIR), { recursive: true, mode: 0o700 });
    await rename(folder, target);
    return target;
  } catch {
    return null;
  }
}

/** What a scene's attempt file holds: how many reads began, and the last failure seen. */
export interface Attempts {
  count: number;
  code: string | null;
  reason: string | null;
}

/** The attempt file is ours and tiny; a larger one is not ours and is read as none. */
const MAX_ATTEMPTS_FILE_BYTES = 4096;

/**
 * Attempts counted on disk, one small file per scene item under `<root>/.attempts`: a read
 * that kills the process (a file no cap caught) cannot be retried forever across restarts.
 * Where the folder cannot be written the count lives in memory only, and the scan goes on.
 */
export function createAttemptLog(root: string) {
  const memory = new Map<string, Attempts>();
  const file = (key: string) =>
    join(root, ATTEMPTS_DIR, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`);

  async function read(key: string): Promise<Attempts> {
    const held = memory.get(key);
    if (held !== undefined) return held;
    try {
      const handle = await open(file(key), 'r');
      try {
        const buffer = Buffer.alloc(MAX_ATTEMPTS_FILE_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        const parsed = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8')) as Attempts;
        if (typeof parsed.count === 'number') return parsed;
      } finally {
        await handle.close();
      }
    } catch {
      // none yet, or not ours
    }
    return { count: 0, code: null, reason: null };
  }

  async function write(key: string, attempts: Attempts): Promise<void> {
    memory.set(key, attempts);
    try {
      await mkdir(join(root, ATTEMPTS_DIR), { recursive: true, mode: 0o700 });
      await writeFile(file(key), JSON.stringify(attempts), { mode: 0o600 });
    } catch {
      // read-only watch folder: the count in memory still bounds this process's retries
    }
  }

  return {
    read,
    /** Counts a read about to begin (written before the read, so a crash counts). */
    async begin(key: string): Promise<Attempts> {
      const before = await read(key);
      const now = { ...before, count: before.count + 1 };
      await write(key, now);
      return now;
    },
    /** Remembers why the read failed (the reason for the quarantine, if it comes to that). */
    async failed(key: string, code: string, reason: string): Promise<void> {
      await write(key, { ...(await read(key)), code, reason });
    },
    async clear(key: string): Promise<void> {
      memory.delete(key);
      await rm(file(key), { force: true }).catch(() => undefined);
    },
  };
}

export type AttemptLog = ReturnType<typeof createAttemptLog>;
