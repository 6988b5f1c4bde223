import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Principal } from '@shamba/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewDeadLetter, Registry } from '../../ports/registry.js';
import { tokenDigest } from '../../tokens/token-digest.js';
import { MAX_DEAD_LETTER_PAYLOAD, MAX_DEAD_LETTER_REASON } from './dead-letters.js';
import { REGISTRY_MIGRATIONS } from './migrations.js';
import { createSqliteRegistry } from './sqlite-registry.js';

const manager = (coopId: string): Principal => ({
  role: 'manager',
  coopId,
  farmerId: null,
  name: 'M',
});

const letter = (coopId: string, deviceId: string, i: number): NewDeadLetter => ({
  receivedMs: 1000 + i,
  deviceId,
  coopId,
  topic: `shamba/v1/${coopId}/${deviceId}/up/soil`,
  code: 'INVALID_PAYLOAD',
  reason: `bad ${i}`,
  payload: Uint8Array.of(i % 256),
});

describe('SQLite registry: tokens, scene owners, dead letters per tenant', () => {
  let path: string;
  let registry: Registry;
  beforeEach(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'shamba-reg-')), 'registry.sqlite');
    registry = await createSqliteRegistry({ path, maxDeadLetters: 5, maxDeadLettersPerDevice: 3 });
  });
  afterEach(() => registry.close());

  it('finds a token only before it expires and until it is revoked', async () => {
    const hash = tokenDigest('secret-a');
    const added = await registry.tokens.add(hash, manager('coop-a'), {
      createdMs: 1_000,
      expiresMs: 5_000,
      label: 'demo:manager',
    });
    expect(added).toEqual({
      id: hash.slice(0, 16),
      principal: manager('coop-a'),
      createdMs: 1_000,
      expiresMs: 5_000,
      revokedMs: null,
      label: 'demo:manager',
    });
    expect(await registry.tokens.find(hash, 4_999)).toEqual(manager('coop-a'));
    expect(await registry.tokens.find(hash, 5_000)).toBeUndefined();
    const other = tokenDigest('secret-b');
    await registry.tokens.add(other, manager('coop-b'), { createdMs: 2_000, expiresMs: null });
    expect(await registry.tokens.find(other, 10 ** 13)).toEqual(manager('coop-b'));
    expect(await registry.tokens.revoke(other.slice(0, 16), 3_000)).toBe(true);
    expect(await registry.tokens.revoke('no-such-token', 3_000)).toBe(false);
    expect(await registry.tokens.find(other, 3_001)).toBeUndefined();
    expect((await registry.tokens.list()).map((t) => [t.id, t.revokedMs])).toEqual([
      [other.slice(0, 16), 3_000],
      [hash.slice(0, 16), null],
    ]);
    expect((await registry.tokens.list({ coopId: 'coop-a' })).map((t) => t.label)).toEqual([
      'demo:manager',
    ]);
    expect(await registry.tokens.list({ label: 'demo:farmer' })).toEqual([]);
  });

  it('keeps scenes apart by owner: same id, own and shared visible, others not', async () => {
    const scene = (ownerCoopId: string | null, acquiredMs: number) => ({
      id: 'S2-X',
      ownerCoopId,
      acquiredMs,
      itemPath: `${ownerCoopId ?? 'shared'}/item.json`,
      cloudCoverPct: 0,
      processedMs: acquiredMs,
    });
    const indices = (ownerCoopId: string | null, fieldId: string, acquiredMs: number) => ({
      sceneId: 'S2-X',
      ownerCoopId,
      fieldId,
      acquiredMs,
      indices: { status: 'ok', owner: ownerCoopId },
    });
    await registry.scenes.add(scene(null, 10), [indices(null, 'a-1', 10)]);
    await registry.scenes.add(scene('coop-b', 20), [indices('coop-b', 'b-1', 20)]);
    await registry.scenes.add(scene('coop-a', 30), [indices('coop-a', 'a-1', 30)]);
    expect(await registry.scenes.has(null, 'S2-X')).toBe(true);
    expect(await registry.scenes.has('coop-b', 'S2-X')).toBe(true);
    expect(await registry.scenes.has('coop-c', 'S2-X')).toBe(false);
    expect((await registry.scenes.list({ visibleTo: 'coop-a' })).map((s) => s.itemPath)).toEqual([
      'shared/item.json',
      'coop-a/item.json',
    ]);
    expect((await registry.scenes.list()).map((s) => s.ownerCoopId)).toEqual([
      null,
      'coop-b',
      'coop-a',
    ]);
    expect(await registry.scenes.fieldSeries('a-1')).toEqual([
      indices(null, 'a-1', 10),
      indices('coop-a', 'a-1', 30),
    ]);
    // Indices another cooperative's scene left on a field stay out of the field's own series.
    await registry.scenes.add(scene('coop-c', 40), [indices('coop-c', 'a-1', 40)]);
    expect((await registry.scenes.fieldSeries('a-1')).map((f) => f.ownerCoopId)).toEqual([
      null,
      'coop-a',
      'coop-c',
    ]);
    expect(await registry.scenes.fieldSeries('a-1', { visibleTo: 'coop-a' })).toEqual([
      indices(null, 'a-1', 10),
      indices('coop-a', 'a-1', 30),
    ]);
    const quarantined = (ownerCoopId: string | null, atMs: number) => ({
      path: `/q/${atMs}`,
      name: 'item.json',
      ownerCoopId,
      code: 'RASTER_INVALID',
      reason: 'not a STAC item',
      atMs,
    });
    await registry.scenes.quarantine(quarantined(null, 1));
    await registry.scenes.quarantine(quarantined('coop-b', 2));
    expect(await registry.scenes.quarantined({ coopId: 'coop-a' })).toEqual([quarantined(null, 1)]);
    expect((await registry.scenes.quarantined()).map((q) => q.atMs)).toEqual([2, 1]);
  });

  it("caps dead letters per cooperative and per device: one tenant's flood keeps the other's", async () => {
    for (const i of [1, 2]) await registry.deadLetters.add(letter('coop-a', 'a-probe', i));
    // Coop B floods from many devices: its own oldest go, coop A's stay.
    for (let i = 0; i < 40; i++) await registry.deadLetters.add(letter('coop-b', `b-${i % 8}`, i));
    expect((await registry.deadLetters.list({ coopId: 'coop-a' })).map((d) => d.reason)).toEqual([
      'bad 2',
      'bad 1',
    ]);
    expect((await registry.deadLetters.list({ coopId: 'coop-b' })).map((d) => d.reason)).toEqual([
      'bad 39',
      'bad 38',
      'bad 37',
      'bad 36',
      'bad 35',
    ]);
    // One device of coop A: its own cap (3) leaves room for the cooperative's others.
    for (let i = 10; i < 20; i++) await registry.deadLetters.add(letter('coop-a', 'a-noisy', i));
    expect(
      (await registry.deadLetters.list({ coopId: 'coop-a' })).map((d) => [d.deviceId, d.reason]),
    ).toEqual([
      ['a-noisy', 'bad 19'],
      ['a-noisy', 'bad 18'],
      ['a-noisy', 'bad 17'],
      ['a-probe', 'bad 2'],
      ['a-probe', 'bad 1'],
    ]);
  });

  it('folds a fold key into one row with the newest details, and pages by id', async () => {
    for (let i = 0; i < 4; i++)
      await registry.deadLetters.add({
        ...letter('coop-a', 'a-1', i),
        topic: `shamba/v1/coop-b/x-${i}/up/soil`,
        code: 'NOT_AUTHORIZED',
        foldKey: 'a-1\0NOT_AUTHORIZED',
      });
    const [folded] = await registry.deadLetters.list();
    expect(folded).toMatchObject({
      topic: 'shamba/v1/coop-b/x-3/up/soil',
      reason: 'bad 3',
      count: 4,
      receivedMs: 1000,
      lastMs: 1003,
    });
    for (const i of [7, 8, 9]) await registry.deadLetters.add(letter('coop-a', 'a-2', i));
    const page1 = await registry.deadLetters.list({ limit: 2 });
    const page2 = await registry.deadLetters.list({ limit: 2, beforeId: page1.at(-1)!.id });
    expect([...page1, ...page2].map((d) => d.reason)).toEqual(['bad 9', 'bad 8', 'bad 7', 'bad 3']);
    expect((await registry.deadLetters.list({ deviceId: 'a-1' })).length).toBe(1);
  });

  it('cuts a long reason and a large payload, keeping the payload size', async () => {
    await registry.deadLetters.add({
      ...letter('coop-a', 'a-1', 1),
      reason: 'x'.repeat(150_000),
      payload: new Uint8Array(16_384).fill(7),
    });
    const [stored] = await registry.deadLetters.list();
    expect(stored!.reason.length).toBeLessThanOrEqual(MAX_DEAD_LETTER_REASON);
    expect(stored!.reason).toMatch(/\(150000 characters, cut\)$/);
    expect(stored!.reason).toHaveLength(MAX_DEAD_LETTER_REASON);
    expect(stored!.payload).toEqual(new Uint8Array(MAX_DEAD_LETTER_PAYLOAD).fill(7));
    expect(stored!.payloadBytes).toBe(16_384);
  });

  it('migrates a registry written before owners and expiry: scenes shared, tokens expiring', async () => {
    await registry.close();
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
    registry = await createSqliteRegistry({ path: old });
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
