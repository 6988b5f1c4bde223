import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { manager } from '../../conformance/registry.conformance.js';
import { tokenDigest } from '../../tokens/token-digest.js';
import { REGISTRY_MIGRATIONS } from './migrations.js';
import { createSqliteRegistry } from './sqlite-registry.js';

// What the port promises is in ../../conformance/registry.conformance.ts, run against this
// adapter by sqlite-registry.conformance.test.ts; here, what only a SQLite file has.
describe('SQLite registry: migrations', () => {
  it('migrates a registry written before owners and expiry: scenes shared, tokens expiring', async () => {
    const old = join(mkdtempSync(join(tmpdir(), 'shamba-reg-old-')), 'registry.sqlite');
    const db = new Database(old);
    REGISTRY_MIGRATIONS.slice(0, 5).forEach((sql) => db.exec(sql));
    db.pragma('user_version = 5');
    db.prepare('INSERT INTO tokens VALUES (?, ?)').run(
      tokenDigest('old'),
      JSON.stringify(manager('coop-a')),
    );
    const legacyScene = (id: string, itemPath: string, acquiredMs: number) => {
      const doc = { id, acquiredMs, itemPath, cloudCoverPct: 1, processedMs: 11 };
      db.prepare('INSERT INTO scenes VALUES (?, ?, ?)').run(id, acquiredMs, JSON.stringify(doc));
      db.prepare('INSERT INTO field_scene_indices VALUES (?, ?, ?, ?)').run(
        id,
        'a-1',
        acquiredMs,
        JSON.stringify({ sceneId: id, fieldId: 'a-1', acquiredMs, indices: {} }),
      );
    };
    // Whose uploads and URL registrations were is unknown, and a future date is fabricated.
    legacyScene('S2-upload', '/data/scenes/upload-1-ab/item.json', 20);
    legacyScene('S2-url', 'https://example.org/item.json', 30);
    legacyScene('S2-future', '/data/scenes/S2-future/item.json', Date.now() + 86_400_000);
    db.prepare('INSERT INTO scenes VALUES (?, ?, ?)').run(
      'S2-old',
      10,
      JSON.stringify({
        id: 'S2-old',
        acquiredMs: 10,
        itemPath: 'p',
        cloudCoverPct: 1,
        processedMs: 11,
      }),
    );
    db.close();
    const registry = await createSqliteRegistry({ path: old });
    onTestFinished(() => registry.close());
    const now = Date.now();
    expect(await registry.tokens.find(tokenDigest('old'), now)).toEqual(manager('coop-a'));
    const [token] = await registry.tokens.list();
    expect(token!.expiresMs! - now).toBeGreaterThan(89 * 86_400_000);
    expect(token!.expiresMs! - now).toBeLessThanOrEqual(90 * 86_400_000);
    expect(await registry.tokens.find(tokenDigest('old'), now + 91 * 86_400_000)).toBeUndefined();
    expect((await registry.scenes.fieldSeries('a-1')).map((f) => f.sceneId)).toEqual([]);
    expect((await registry.scenes.quarantined()).map((q) => [q.name, q.ownerCoopId])).toEqual([
      ['S2-future', null],
      ['S2-url', null],
      ['S2-upload', null],
    ]);
    expect(await registry.scenes.list({ visibleTo: 'coop-z' })).toEqual([
      {
        id: 'S2-old',
        ownerCoopId: null,
        acquiredMs: 10,
        itemPath: 'p',
        cloudCoverPct: 1,
        processedMs: 11,
      },
    ]);
  });
});
