import { constants } from 'node:fs';
import { access, mkdir, open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';

/**
 * A reason `shamba start` cannot start, said so that the person at the box can act on it. The CLI
 * prints the message and exits 1 (main.ts); nothing has been opened when it is thrown here.
 */
export class StartFailure extends Error {
  override readonly name = 'StartFailure';
}

/** The first bytes of every SQLite 3 database file (sqlite.org/fileformat.html §1.3.1). */
const SQLITE_HEADER = 'SQLite format 3\0';

/** The databases `shamba start` opens under the data directory, by what they hold. */
const DATABASES = [
  ['registry.sqlite', 'the registry (cooperatives, fields, devices, prescriptions)'],
  ['timeseries.sqlite', 'the readings'],
  ['influx-spool.sqlite', 'the InfluxDB spool'],
] as const;

/**
 * What `shamba start` checks before it opens anything: the directories it writes to exist (or
 * can be made) and can be written, and the databases already there are SQLite files. Each
 * failure names the path and what to do; the stores' own errors (`EEXIST`, `file is not a
 * database`) name neither.
 */
export async function checkBeforeStart(config: Config, options: { demo: boolean }): Promise<void> {
  const dataDir = resolve(config.dataDir);
  await writableDirectory(dataDir, 'the data directory');
  // The watch folder `createShamba` scans (`<data dir>/scenes`): unusable, no scene is ever read.
  await writableDirectory(join(dataDir, 'scenes'), 'the scenes folder');
  if (options.demo) await writableDirectory(join(dataDir, 'demo'), 'the demo folder');
  for (const [file, holds] of DATABASES) await sqliteOrAbsent(join(dataDir, file), holds);
}

/** Makes `path` (and its parents) if missing; fails unless it is a directory this user can write. */
async function writableDirectory(path: string, what: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw directoryFailure(path, what, error);
  }
  const info = await stat(path);
  if (!info.isDirectory()) throw new StartFailure(`${what} ${path} is not a directory`);
  try {
    await access(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw directoryFailure(path, what, error);
  }
}

function directoryFailure(path: string, what: string, error: unknown): StartFailure {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? 'is not a directory (a file is in its place or on its path)'
      : code === 'EROFS'
        ? 'is on a read-only file system'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be written by this user'
          : `cannot be used (${code})`;
  return new StartFailure(`${what} ${path} ${why}`, { cause: error });
}

/** Fails when `path` exists and is not a SQLite database (a damaged or foreign file). */
async function sqliteOrAbsent(path: string, holds: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // made on first start
    throw new StartFailure(`${path} (${holds}) cannot be read (${code ?? 'error'})`, {
      cause: error,
    });
  }
  try {
    const info = await handle.stat();
    if (info.size === 0) return; // SQLite writes its header on first use
    const header = Buffer.alloc(SQLITE_HEADER.length);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    if (bytesRead === header.length && header.toString('latin1') === SQLITE_HEADER) return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new StartFailure(`${path} (${holds}) cannot be read (${code})`, { cause: error });
  } finally {
    await handle.close();
  }
  throw new StartFailure(
    `${path} (${holds}) is not a SQLite database: it is damaged or another program's file. ` +
      'Restore it from a backup, or move it aside to start with an empty one',
  );
}

/**
 * What a failure while opening the parts (broker, stores, workers, API) says: which step failed
 * and the system's own words (`listen EADDRINUSE: address already in use 127.0.0.1:1883`).
 */
export function openingFailure(error: unknown): StartFailure {
  const message = error instanceof Error ? error.message : String(error);
  return new StartFailure(`could not start: ${message}`, { cause: error });
}
