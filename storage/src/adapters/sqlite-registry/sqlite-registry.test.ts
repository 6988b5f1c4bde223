import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Field } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Registry } from '../../ports/registry.js';
import { createSqliteRegistry } from './sqlite-registry.js';

const field = (id: string, farmerId: string, coopId = 'coop-a'): Field =>
  fieldFixture({ id, coopId, farmerId, name: id, areaHa: 0.8 });

describe('SQLite registry', () => {
  let path: string;
  let registry: Registry;
  beforeEach(async () => {
    path = join(mkdtempSync(join(tmpdir(), 'shamba-reg-')), 'registry.sqlite');
    registry = await createSqliteRegistry({ path, maxDeadLetters: 3 });
  });
  afterEach(() => registry.close());

  it('filters fields by cooperative and farmer, and survives reopening', async () => {
    await registry.fields.upsert(field('f-1', 'farmer-1'));
    await registry.fields.upsert(field('f-2', 'farmer-2'));
    await registry.fields.upsert(field('f-3', 'farmer-3', 'coop-b'));
    expect((await registry.fields.list({ farmerId: 'farmer-2' })).map((f) => f.id)).toEqual([
      'f-2',
    ]);
    expect((await registry.fields.list({ coopId: 'coop-a' })).map((f) => f.id)).toEqual([
      'f-1',
      'f-2',
    ]);
    await registry.close();
    registry = await createSqliteRegistry({ path });
    expect(await registry.fields.get('f-3')).toEqual(field('f-3', 'farmer-3', 'coop-b'));
  });

  it('folds identical dead letters into one row and keeps only the newest past the cap', async () => {
    const letter = (i: number) => ({
      receivedMs: 1000 + i,
      deviceId: 'soil-1',
      coopId: 'coop-a',
      topic: 'shamba/v1/coop-a/soil-1/up/soil',
      code: 'INVALID_PAYLOAD',
      reason: `bad ${i}`,
      payload: Uint8Array.of(i),
    });
    await registry.deadLetters.add(letter(1));
    await registry.deadLetters.add(letter(1));
    await registry.deadLetters.add(letter(1));
    expect((await registry.deadLetters.list()).map((d) => [d.reason, d.count])).toEqual([
      ['bad 1', 3],
    ]);
    for (const i of [2, 3, 4, 5]) await registry.deadLetters.add(letter(i));
    const kept = await registry.deadLetters.list();
    expect(kept.map((d) => d.reason)).toEqual(['bad 5', 'bad 4', 'bad 3']);
    expect(kept[0]!.payload).toEqual(Uint8Array.of(5));
  });

  it('returns the newest prescription of a field', async () => {
    const base = {
      kind: 'irrigation' as const,
      fieldId: 'f-1',
      coopId: 'coop-a',
      asOfMs: 0,
      action: 'none' as const,
      netDepthMm: 0,
      grossDepthMm: 0,
      volumeM3: 0,
      method: 'drip' as const,
      summary: '',
      rule: { name: 'r', version: '1' },
      parameters: {},
      inputs: { fromMs: 0, toMs: 0, readingCount: 0, deviceIds: [] },
      steps: [],
    };
    await registry.prescriptions.add({ ...base, id: 'p-1', createdAtMs: 10 });
    await registry.prescriptions.add({ ...base, id: 'p-2', createdAtMs: 20 });
    await registry.prescriptions.add({ ...base, id: 'p-0', createdAtMs: 5 });
    expect((await registry.prescriptions.latest('f-1'))?.id).toBe('p-2');
    expect(await registry.prescriptions.latest('f-9')).toBeUndefined();
  });

  it('publishes parameter sets as numbered versions per cooperative, never editing one', async () => {
    const maize = { crops: { maize: { depletionFraction: 0.45 } } };
    const [a1, a2, b1] = [
      await registry.parameterSets.add('coop-a', { note: 'trial 2025', ...maize }, 'Dr. A', 1),
      await registry.parameterSets.add('coop-a', { note: 'trial 2026', crops: {} }, 'Dr. A', 2),
      await registry.parameterSets.add('coop-b', { note: 'regional', ...maize }, 'Dr. B', 3),
    ];
    expect([a1.version, a2.version, b1.version]).toEqual([1, 2, 1]);
    expect((await registry.parameterSets.latest('coop-a'))?.note).toBe('trial 2026');
    expect(await registry.parameterSets.get('coop-a', 1)).toEqual(a1);
    expect((await registry.parameterSets.list('coop-a')).map((s) => s.version)).toEqual([2, 1]);
    expect(await registry.parameterSets.latest('coop-c')).toBeUndefined();
    // Concurrent publications still get distinct versions.
    const many = await Promise.all(
      [1, 2, 3].map((i) =>
        registry.parameterSets.add('coop-c', { note: `n${i}`, crops: {} }, 'X', i),
      ),
    );
    expect(many.map((s) => s.version).sort()).toEqual([1, 2, 3]);
  });
});
