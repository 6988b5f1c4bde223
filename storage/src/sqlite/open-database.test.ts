import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteTimeSeriesStore } from '../adapters/sqlite-time-series/sqlite-time-series-store.js';
import { openDurableSpool } from '../spool/durable-spool.js';
import { openDatabase } from './open-database.js';

const mode = (path: string) => statSync(path).mode & 0o777;
/** Every file and directory under `root` with its permission bits, e.g. `{ 'data/': 0o700 }`. */
function modes(root: string, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory())
      Object.assign(out, { [`${rel}/`]: mode(join(root, rel)) }, modes(root, rel));
    else out[rel] = mode(join(root, rel));
  }
  return out;
}

// Issue 13, case 20: the registry and its dead-letter payloads were created world-readable.
describe('openDatabase file modes', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'shamba-modes-'));
    // The usual login umask (022), under which SQLite alone creates 0644 files: the modes must
    // not depend on the CLI setting a stricter one.
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('creates stores, their -wal and -shm and the spool 0600 in a new directory 0700', async () => {
    const dir = join(root, 'data');
    const db = openDatabase(join(dir, 'registry.sqlite'), ['CREATE TABLE t (x TEXT)']);
    db.prepare('INSERT INTO t VALUES (?)').run('a dead letter');
    const store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    await store.write([
      {
        deviceId: 'probe-1',
        coopId: 'coop-a',
        stream: 'soil',
        timeMs: 1_764_316_800_000,
        seq: 1,
        values: { vwc10: 0.2 },
        fieldId: null,
        zoneId: null,
        receivedMs: 1_764_316_800_000,
      },
    ]);
    const spool = openDurableSpool(join(dir, 'influx-spool.sqlite'));
    const open = modes(root);
    db.close();
    await store.close();
    spool.close();

    const files = [
      'registry.sqlite',
      'timeseries.sqlite',
      'timeseries.inbox.sqlite',
      'influx-spool.sqlite',
    ].flatMap((f) => [f, `${f}-wal`, `${f}-shm`]);
    expect(open).toEqual({
      'data/': 0o700,
      ...Object.fromEntries(files.map((f) => [join('data', f), 0o600])),
    });
  });

  it('narrows a database file created world-readable before to 0600', () => {
    const path = join(root, 'registry.sqlite');
    writeFileSync(path, '', { mode: 0o644 }); // an empty file is an empty SQLite database
    expect(mode(path)).toBe(0o644);
    const db = openDatabase(path, ['CREATE TABLE t (x TEXT)']);
    db.prepare('INSERT INTO t VALUES (?)').run('x');
    expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    db.close();
  });
});
