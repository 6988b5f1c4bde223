import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ShambaError } from '@shamba/schemas';
import { createSqliteRegistry, type Registry } from '@shamba/storage';
import { MAX_ATTEMPTS, scrubReason } from './quarantine.js';
import { createSceneService } from './scene-service.js';
import { MAX_NEW_ITEMS_PER_PASS, createWatchScan } from './watch-scan.js';

const AT_MS = Date.UTC(2026, 10, 20, 8);
const logger = pino({ level: 'silent' });
let root: string;
let scenesDir: string;
let registry: Registry;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'shamba-watch-'));
  scenesDir = join(root, 'scenes');
  mkdirSync(scenesDir);
  registry = await createSqliteRegistry({ path: join(root, 'registry.sqlite') });
});
afterEach(async () => {
  await registry.close();
  rmSync(root, { recursive: true, force: true });
});

function scene(name: string, item = '{"not": "a STAC item"'): void {
  mkdirSync(join(scenesDir, name), { recursive: true });
  writeFileSync(join(scenesDir, name, 'item.json'), item);
}

/** A scan whose reads are `process` (the service's reader is replaced to fail on purpose). */
function scan(process: (itemPath: string) => Promise<'processed' | 'known' | 'no-fields'>) {
  return createWatchScan({
    registry,
    logger,
    scenesDir,
    uploadsRoot: join(scenesDir, '.uploads'),
    clock: () => AT_MS,
    process,
  });
}

const quarantined = async () =>
  (await registry.scenes.quarantined()).map(({ name, code, reason, ownerCoopId }) => ({
    name,
    code,
    reason,
    ownerCoopId,
  }));

describe('the watch folder scan', () => {
  it('quarantines an item that is not a STAC item once, moved aside, and passes over files, links and dot-folders', async () => {
    scene('junk');
    scene('.hidden');
    writeFileSync(join(scenesDir, 'stray.json'), '{}');
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'elsewhere', 'item.json'), '[1,');
    symlinkSync(join(root, 'elsewhere'), join(scenesDir, 'link'));
    const service = createSceneService({ registry, logger, scenesDir, clock: () => AT_MS });
    expect(await service.runOnce()).toBe(0);
    const first = await quarantined();
    expect(first).toEqual([
      {
        name: 'junk/item.json',
        code: 'RASTER_INVALID',
        reason: expect.stringMatching(/STAC item/) as unknown,
        ownerCoopId: null,
      },
    ]);
    // No server path in what staff will read.
    expect(first[0]!.reason).not.toContain(root);
    expect(readdirSync(scenesDir).sort()).toEqual([
      '.attempts',
      '.hidden',
      '.quarantine',
      'link',
      'stray.json',
    ]);
    expect(readdirSync(join(scenesDir, '.quarantine'))).toEqual(['junk-2026-11-20T080000000Z']);
    expect(readdirSync(join(scenesDir, '.attempts'))).toEqual([]); // nothing left to count
    // Nothing new on the next pass, nor after a restart (a new service on the same folder).
    expect(await service.runOnce()).toBe(0);
    await service.close();
    const again = createSceneService({ registry, logger, scenesDir, clock: () => AT_MS });
    expect(await again.runOnce()).toBe(0);
    await again.close();
    expect(await quarantined()).toEqual(first);
  });

  it(`retries a failure that may be ours ${MAX_ATTEMPTS} times, a pass apart, then quarantines it; a final one at once`, async () => {
    scene('flaky');
    scene('refused');
    let reads = 0;
    const watch = scan((path) => {
      if (path.includes('refused'))
        return Promise.reject(new ShambaError('RASTER_UNSUPPORTED', `${path}: no EPSG code`));
      reads++;
      return Promise.reject(new ShambaError('WORKER_FAILED', 'analytics worker died: exit 1'));
    });
    const seen: unknown[] = [];
    for (let pass = 0; pass < MAX_ATTEMPTS + 2; pass++) {
      await watch.runOnce();
      seen.push((await quarantined()).map((q) => q.name));
    }
    expect(reads).toBe(MAX_ATTEMPTS);
    expect(seen).toEqual([
      ['refused/item.json'],
      ['refused/item.json'],
      ['flaky/item.json', 'refused/item.json'],
      ['flaky/item.json', 'refused/item.json'],
      ['flaky/item.json', 'refused/item.json'],
    ]);
    expect(await quarantined()).toEqual([
      {
        name: 'flaky/item.json',
        code: 'WORKER_FAILED',
        reason: 'analytics worker died: exit 1',
        ownerCoopId: null,
      },
      {
        name: 'refused/item.json',
        code: 'RASTER_UNSUPPORTED',
        reason: 'refused/item.json: no EPSG code',
        ownerCoopId: null,
      },
    ]);
  });

  it(`quarantines, unread, an item whose read stopped the process ${MAX_ATTEMPTS} times`, async () => {
    scene('killer', '{}');
    // Each "process" begins the read and dies in it: its read never settles.
    for (let start = 0; start < MAX_ATTEMPTS; start++) {
      let begun!: () => void;
      const reading = new Promise<void>((resolve) => (begun = resolve));
      void scan(() => {
        begun();
        return new Promise(() => undefined);
      }).runOnce();
      await reading;
    }
    let reads = 0;
    await scan(() => {
      reads++;
      return Promise.resolve('processed');
    }).runOnce();
    expect(reads).toBe(0);
    expect(await quarantined()).toEqual([
      {
        name: 'killer/item.json',
        code: 'WORKER_FAILED',
        reason: `reading it stopped the process ${MAX_ATTEMPTS} times; not read again`,
        ownerCoopId: null,
      },
    ]);
    expect(readdirSync(scenesDir).filter((n) => !n.startsWith('.'))).toEqual([]);
  });

  it('quarantines, unread, the uploads an earlier process stopped in; leaves newer ones and registered ones', async () => {
    const upload = (owner: string, name: string, ageMs: number) => {
      const folder = join(scenesDir, '.uploads', owner, name);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'item.json'), '{}');
      const at = new Date(Date.now() - ageMs);
      utimesSync(folder, at, at);
      return folder;
    };
    upload('coop-x', 'upload-old', 60_000);
    upload('_shared', 'upload-admin', 60_000);
    const kept = upload('coop-x', 'upload-registered', 60_000);
    await registry.scenes.add(
      {
        id: 'S2-kept',
        ownerCoopId: 'coop-x',
        acquiredMs: AT_MS,
        itemPath: join(kept, 'item.json'),
        cloudCoverPct: 0,
        processedMs: AT_MS,
      },
      [],
    );
    let reads = 0;
    const watch = scan(() => {
      reads++;
      return Promise.resolve('processed');
    });
    // An upload begun after this process started is being received now: not touched.
    const fresh = upload('coop-x', 'upload-fresh', -60_000);
    await watch.runOnce();
    expect(reads).toBe(0);
    expect(await quarantined()).toEqual([
      {
        name: 'upload/upload-old',
        code: 'WORKER_FAILED',
        reason: 'the process stopped while this upload was read; not read again',
        ownerCoopId: 'coop-x',
      },
      {
        name: 'upload/upload-admin',
        code: 'WORKER_FAILED',
        reason: 'the process stopped while this upload was read; not read again',
        ownerCoopId: null,
      },
    ]);
    expect(readdirSync(join(scenesDir, '.uploads', 'coop-x')).sort()).toEqual([
      'upload-fresh',
      'upload-registered',
    ]);
    expect(readdirSync(fresh)).toEqual(['item.json']);
  });

  it('quarantines, unread, the uploads written to the watch folder before scenes had owners', async () => {
    // What the upload route wrote before owners existed: `upload-<epoch ms>-<8 hex>` at the top.
    const legacy = 'upload-1764000000000-0a1b2c3d';
    scene(legacy, '{"type": "Feature", "id": "S2-fabricated"}');
    scene('upload-notes', '{}'); // the operator's own folder, named alike: a scene like any other
    const reads: string[] = [];
    const watch = () =>
      scan((path) => {
        reads.push(path.slice(scenesDir.length + 1));
        return Promise.resolve('processed');
      });
    await watch().runOnce();
    expect(reads).toEqual(['upload-notes/item.json']);
    const recorded = [
      {
        name: legacy,
        code: 'INVALID_REQUEST',
        reason: 'uploaded before scenes had owners: upload it again',
        ownerCoopId: null,
      },
    ];
    expect(await quarantined()).toEqual(recorded);
    expect(readdirSync(join(scenesDir, '.quarantine'))).toEqual([
      `${legacy}-2026-11-20T080000000Z`,
    ]);
    expect(readdirSync(scenesDir).filter((n) => !n.startsWith('.'))).toEqual(['upload-notes']);

    // Where it cannot be moved (a read-only watch folder), it stays unread across restarts too.
    rmSync(join(scenesDir, 'upload-notes'), { recursive: true });
    scene('upload-1764000000001-ffffffff');
    rmSync(join(scenesDir, '.quarantine'), { recursive: true });
    writeFileSync(join(scenesDir, '.quarantine'), ''); // a file: the move aside fails
    await watch().runOnce();
    await watch().runOnce();
    expect(reads).toEqual(['upload-notes/item.json']);
    expect((await quarantined()).map((q) => q.name)).toEqual([
      'upload-1764000000001-ffffffff',
      legacy,
    ]);
  });

  it(`reads at most ${MAX_NEW_ITEMS_PER_PASS} new items per pass`, async () => {
    for (let i = 0; i < MAX_NEW_ITEMS_PER_PASS + 6; i++) scene(`s${String(i).padStart(3, '0')}`);
    const reads: string[][] = [];
    const watch = scan((path) => {
      reads.at(-1)!.push(path.slice(scenesDir.length + 1, -'/item.json'.length));
      return Promise.resolve('no-fields'); // read again next pass
    });
    for (let pass = 0; pass < 2; pass++) {
      reads.push([]);
      await watch.runOnce();
    }
    const name = (i: number) => `s${String(i % (MAX_NEW_ITEMS_PER_PASS + 6)).padStart(3, '0')}`;
    // The next pass goes on where the last stopped, so no item waits behind the others.
    expect(reads).toEqual([
      Array.from({ length: MAX_NEW_ITEMS_PER_PASS }, (_, i) => name(i)),
      Array.from({ length: MAX_NEW_ITEMS_PER_PASS }, (_, i) => name(MAX_NEW_ITEMS_PER_PASS + i)),
    ]);
  });
});

describe('scrubReason', () => {
  it('keeps no server path or address, and is bounded', () => {
    expect(
      scrubReason(
        "/srv/scenes/a/item.json: ENOENT, open '/etc/passwd' via http://10.0.0.1:8080/x.tif",
        ['/srv/scenes'],
      ),
    ).toBe("a/item.json: ENOENT, open 'passwd' via <url>");
    expect(scrubReason('x'.repeat(1000), [])).toHaveLength(300);
  });
});
