import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DAY_MS } from '@shamba/schemas';
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
    legacyScene('S2-future', '/data/scenes/S2-future/item.json', Date.now() + DAY_MS);
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
    expect(token!.expiresMs! - now).toBeGreaterThan(89 * DAY_MS);
    expect(token!.expiresMs! - now).toBeLessThanOrEqual(90 * DAY_MS);
    expect(await registry.tokens.find(tokenDigest('old'), now + 91 * DAY_MS)).toBeUndefined();
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

  it('reads a prescription written before kinds: provenance typed, nitrogen off the zones', async () => {
    const old = join(mkdtempSync(join(tmpdir(), 'shamba-reg-rx-')), 'registry.sqlite');
    const db = new Database(old);
    REGISTRY_MIGRATIONS.slice(0, 8).forEach((sql) => db.exec(sql));
    db.pragma('user_version = 8');
    const step = { name: 'ET0', formula: 'FAO-56 eq. 6', value: 4.2, unit: 'mm', source: 'x' };
    const zone = {
      zoneId: 'z-1',
      areaHa: 0.5,
      action: 'none',
      reason: 'not-yet',
      netDepthMm: 0,
      grossDepthMm: 0,
      volumeM3: 0,
      litres: 0,
      pumpMinutes: null,
      irrigateBy: null,
      drMm: 10,
      rawMm: 30,
      tawMm: 60,
      drSource: 'sensor',
      drSdMm: null,
      summary: 'Zone z-1: no irrigation yet.',
      steps: [step],
    };
    const written = {
      id: 'f-1:100:fao56-water-balance@1.0.0',
      kind: 'irrigation',
      fieldId: 'f-1',
      coopId: 'coop-a',
      createdAtMs: 200,
      asOfMs: 100,
      action: 'none',
      netDepthMm: 0,
      grossDepthMm: 0,
      volumeM3: 0,
      method: 'drip',
      summary: 'No irrigation needed on Plot 1 today.',
      rule: { name: 'fao56-water-balance', version: '1.0.0' },
      parameters: {
        crop: 'maize',
        daysAfterSowing: 40,
        forecastIssuedAt: 'none',
        sceneId: 'S2-A',
        parameterSet: 'coop-a@2',
      },
      inputs: { fromMs: 0, toMs: 101, readingCount: 3, deviceIds: ['p-1'] },
      steps: [step],
      zones: [{ ...zone, nitrogen: { status: 'ok', nKgHa: 30 } }],
    };
    db.prepare('INSERT INTO prescriptions (id, field_id, created_ms, doc) VALUES (?, ?, ?, ?)').run(
      written.id,
      'f-1',
      200,
      JSON.stringify(written),
    );
    db.close();
    const registry = await createSqliteRegistry({ path: old });
    onTestFinished(() => registry.close());
    const { rule: _rule, parameters: _parameters, zones: _zones, ...kept } = written;
    const upgraded = {
      ...kept,
      parameters: { crop: 'maize', daysAfterSowing: 40 },
      provenance: {
        rule: { name: 'fao56-water-balance', version: '1.0.0' },
        parameterSet: 'coop-a@2',
        sceneId: 'S2-A',
        forecastIssuedAt: null,
      },
      zones: [zone],
    };
    expect(await registry.prescriptions.latest('f-1')).toEqual(upgraded);
    expect(await registry.prescriptions.latest('f-1', 'irrigation')).toEqual(upgraded);
    expect(await registry.prescriptions.latestByKind('f-1')).toEqual({ irrigation: upgraded });
  });
});
