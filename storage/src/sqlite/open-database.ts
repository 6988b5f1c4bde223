import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Owner only: read, write (and enter, for a directory). */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Opens a SQLite file for one of our stores. WAL lets readers (the API) run while the ingest
 * writes; synchronous=FULL fsyncs the WAL at every commit, so a committed reading survives power
 * loss, not only a process crash: it is what "durable before PUBACK" rests on.
 * https://www.sqlite.org/pragma.html#pragma_synchronous
 */
export function openDatabase(path: string, migrations: readonly string[]): SqliteDatabase {
  if (path !== ':memory:') createPrivately(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The WAL is copied into the database every 4,096 pages (16 MB) instead of SQLite's 1,000: a
  // checkpoint runs in the committing thread (the broker's), and fewer, larger ones cost less.
  db.pragma('wal_autocheckpoint = 4096');
  db.pragma('foreign_keys = ON');
  // Another process (a CLI command beside `shamba start`) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/** Applies the migrations past PRAGMA user_version, each in its own transaction. */
function migrate(db: SqliteDatabase, migrations: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/**
 * Our files hold device-secret hashes, token digests, dead-letter payloads and every reading: the
 * owner's alone (issue 13, case 20). A new directory is made 0700; the database file is created
 * 0600 before SQLite opens it, because SQLite gives its -wal and -shm files the mode of the main
 * database file (os_unix.c, findCreateFileMode); a file from before this is narrowed to 0600.
 * The process umask narrows further but never widens, so this holds without the CLI's umask.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR });
  closeSync(openSync(path, 'a', PRIVATE_FILE));
  for (const file of [path, `${path}-wal`, `${path}-shm`])
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
}
