import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { buildQuantileModel } from '../yield/quantile-model.js';
import { yieldModelInUse } from '../yield/model-in-use.js';
import { createModelStore, listEveryOwner, modelOwners } from './model-store.js';
import { initTfBackend, tf } from './tf-backend.js';

const notFound = (e: unknown) => isShambaError(e, 'NOT_FOUND');
/** A held-out evaluation that may be promoted: finite, and better than FAO-33's. */
const FIT = { evaluation: { model: { rmseTHa: 0.41 }, fao33: { rmseTHa: 0.66 } } };

describe('model store', () => {
  it('saves versions that reload to the same predictions, lists, promotes', async () => {
    await initTfBackend();
    const dir = mkdtempSync(join(tmpdir(), 'shamba-models-'));
    let now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const store = createModelStore({ dir, clock: () => now });
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 5, seed: 9 });
    const v1 = await store.save('yield', model, { ...FIT, seed: 9 });
    now += 1000;
    const v2 = await store.save('yield', model, { ...FIT, seed: 10 });
    expect(v1).toBe('yield-20261128t120000z');
    expect(v2).not.toBe(v1);
    expect(await store.promoted('yield')).toBeNull();
    await store.promote('yield', v1);
    const listed = await store.list('yield');
    expect(listed.map((l) => [l.version, l.owner, l.promoted, l.meta.seed])).toEqual([
      [v1, null, true, 9],
      [v2, null, false, 10],
    ]);

    const { model: loaded } = await store.load('yield', v1);
    const x = tf.tensor2d([[0.1, -0.5, 2, 1]]);
    const a = (model.predict(x) as tf.Tensor).arraySync();
    const b = (loaded.predict(x) as tf.Tensor).arraySync();
    expect(b).toEqual(a);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();

    await expect(store.promote('yield', 'yield-nope')).rejects.toSatisfy(notFound);
    await expect(store.load('yield', '../etc')).rejects.toSatisfy((e) =>
      isShambaError(e, 'INVALID_REQUEST'),
    );
  });

  it("scopes versions by owner: a cooperative sees its own and the shared ones, never another's", async () => {
    await initTfBackend();
    const dir = mkdtempSync(join(tmpdir(), 'shamba-models-'));
    const now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 3, seed: 1 });
    // A shared version at the top level, promoted as before owners (no owner in promoted.json).
    const shared = createModelStore({ dir, clock: () => now });
    const legacy = await shared.save('yield', model, { ...FIT, seed: 1 });
    writeFileSync(join(dir, 'yield', 'promoted.json'), JSON.stringify({ version: legacy }));
    const a = createModelStore({ dir, owner: 'coop-a', clock: () => now });
    const b = createModelStore({ dir, owner: 'coop-b', clock: () => now });
    // The same second as the shared one and as each other: ids never clash, across owners too.
    const va = await a.save('yield', model, { ...FIT, seed: 2 });
    const vb = await b.save('yield', model, { ...FIT, seed: 3 });
    model.dispose();
    expect([legacy, va, vb]).toEqual([
      'yield-20261128t120000z',
      'yield-20261128t120000z-2',
      'yield-20261128t120000z-3',
    ]);
    expect(readdirSync(join(dir, 'coops', 'coop-a', 'yield', va)).sort()).toEqual([
      'meta.json',
      'model.json',
      'weights.bin',
    ]);
    // Owner-only files (issue 13 #20).
    expect(statSync(join(dir, 'coops', 'coop-a', 'yield', va, 'weights.bin')).mode & 0o777).toBe(
      0o600,
    );
    expect(await modelOwners(dir)).toEqual(['coop-a', 'coop-b']);

    // Nothing promoted by A: it uses the shared promotion.
    expect(await a.promoted('yield')).toBeNull();
    expect(await a.inUse('yield')).toEqual({ version: legacy, owner: null });
    expect(
      (await a.list('yield')).map((v) => [v.version, v.owner, v.promoted, v.meta.owner]),
    ).toEqual([
      [legacy, null, false, null],
      [va, 'coop-a', false, 'coop-a'],
    ]);

    // B promotes its own; A is untouched, and cannot read, load or promote B's by its id.
    expect(await b.promote('yield', vb)).toEqual({ version: vb, owner: 'coop-b' });
    expect(await b.inUse('yield')).toEqual({ version: vb, owner: 'coop-b' });
    expect(await a.inUse('yield')).toEqual({ version: legacy, owner: null });
    await expect(a.promote('yield', vb)).rejects.toSatisfy(notFound);
    await expect(a.load('yield', vb)).rejects.toSatisfy(notFound);
    await expect(a.meta('yield', vb)).rejects.toSatisfy(notFound);
    expect((await a.list('yield')).map((v) => v.version)).toEqual([legacy, va]);
    const c = createModelStore({ dir, owner: 'coop-c' });
    await expect(c.promote('yield', va)).rejects.toSatisfy(notFound);
    expect(await c.inUse('yield')).toEqual({ version: legacy, owner: null });
    // The shared store does not see a cooperative's version either.
    await expect(shared.promote('yield', vb)).rejects.toSatisfy(notFound);

    // A adopts the shared version explicitly, then promotes its own.
    expect(await a.promote('yield', legacy)).toEqual({ version: legacy, owner: null });
    expect((await a.list('yield')).map((v) => v.promoted)).toEqual([true, false]);
    expect(await a.promote('yield', va)).toEqual({ version: va, owner: 'coop-a' });
    expect(await a.inUse('yield')).toEqual({ version: va, owner: 'coop-a' });
    expect(await shared.inUse('yield')).toEqual({ version: legacy, owner: null });

    expect(() => createModelStore({ dir, owner: '../x' })).toThrow(/cooperative id/);
    await expect(shared.list('coops')).rejects.toSatisfy((e) =>
      isShambaError(e, 'INVALID_REQUEST'),
    );
  });

  it("keeps a version one cooperative trained before owners existed that cooperative's, and its old shared promotion from the others", async () => {
    await initTfBackend();
    const dir = mkdtempSync(join(tmpdir(), 'shamba-models-'));
    let now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const shared = createModelStore({ dir, clock: () => now });
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 3, seed: 1 });
    /** A version as the API saved it before owners: in the shared folder, no `owner` in meta. */
    const legacy = async (historyCoops: unknown) => {
      now += 1000;
      const version = await shared.save('yield', model, { ...FIT, historyCoops });
      const file = join(dir, 'yield', version, 'meta.json');
      const { owner: _, ...meta } = JSON.parse(readFileSync(file, 'utf8')) as { owner: null };
      writeFileSync(file, JSON.stringify(meta));
      return version;
    };
    const admins = await legacy(['coop-a', 'coop-b']); // an admin's, from every cooperative
    const simulated = await legacy([]); // simulated seasons only
    const poisoned = await legacy(['coop-b']); // coop B's agronomist, on B's own history
    const odd = await legacy(['../x']); // never written by Shamba: nobody's
    model.dispose();
    // B's agronomist had promoted it for everyone (the old shared promotion).
    writeFileSync(join(dir, 'yield', 'promoted.json'), JSON.stringify({ version: poisoned }));
    const a = createModelStore({ dir, owner: 'coop-a' });
    const b = createModelStore({ dir, owner: 'coop-b' });
    const view = async (store: typeof a) =>
      (await store.list('yield')).map((v) => [v.version, v.owner, v.promoted]);

    // A (and the shared store) neither see, use, load nor promote it; the old promotion is void.
    expect(await view(a)).toEqual([
      [admins, null, false],
      [simulated, null, false],
    ]);
    expect(await a.inUse('yield')).toBeNull();
    expect(await yieldModelInUse(dir, 'coop-a')).toBeNull();
    await expect(a.promote('yield', poisoned)).rejects.toSatisfy(notFound);
    await expect(a.load('yield', poisoned)).rejects.toSatisfy(notFound);
    await expect(a.meta('yield', poisoned)).rejects.toSatisfy(notFound);
    expect(await view(shared)).toEqual(await view(a));
    expect(await shared.inUse('yield')).toBeNull();
    expect(await shared.promoted('yield')).toBeNull();
    await expect(shared.promote('yield', poisoned)).rejects.toSatisfy(notFound);
    await expect(b.promote('yield', odd)).rejects.toSatisfy(notFound);

    // B keeps it as its own: listed, in use (from where its files are), loadable, promotable.
    expect(await view(b)).toEqual([
      [admins, null, false],
      [simulated, null, false],
      [poisoned, 'coop-b', false],
    ]);
    expect(await b.inUse('yield')).toEqual({ version: poisoned, owner: 'coop-b' });
    expect(await yieldModelInUse(dir, 'coop-b')).toMatchObject({
      version: poisoned,
      owner: 'coop-b',
      dir,
    });
    expect((await b.load('yield', poisoned)).owner).toBe('coop-b');
    expect(await b.promote('yield', poisoned)).toEqual({ version: poisoned, owner: 'coop-b' });
    // A adopting the admin's version is unaffected.
    expect(await a.promote('yield', admins)).toEqual({ version: admins, owner: null });

    // The admins' view: every owner's, the old version under B, promoted by B.
    expect(
      (await listEveryOwner(dir, 'yield')).map((v) => [v.version, v.owner, v.promoted]),
    ).toEqual([
      [admins, null, false],
      [simulated, null, false],
      [poisoned, 'coop-b', true],
    ]);
  });
});

describe('promotion refuses a yield model that is not known to work', () => {
  const invalid = (pattern: RegExp) => (e: unknown) =>
    isShambaError(e, 'INVALID_REQUEST') && pattern.test(e.message);

  it('refuses a non-finite evaluation (an old NaN model saved as rmseTHa: null) and one worse than FAO-33, with the numbers', async () => {
    await initTfBackend();
    const dir = mkdtempSync(join(tmpdir(), 'shamba-models-'));
    let now = Date.UTC(2026, 11, 3, 9, 0, 0);
    const store = createModelStore({ dir, owner: 'coop-a', clock: () => now++ });
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 3, seed: 1 });
    const evaluation = (model: unknown, fao33: unknown) => ({
      evaluation: { model: { rmseTHa: model }, fao33: { rmseTHa: fao33 } },
    });
    // What the NaN model of issue 15 wrote: JSON has no NaN, so `null`.
    const nan = await store.save('yield', model, evaluation(Number.NaN, 0.66));
    const worse = await store.save('yield', model, evaluation(0.91, 0.66));
    const noEvaluation = await store.save('yield', model, { seed: 4 });
    const good = await store.save('yield', model, evaluation(0.66, 0.66));
    model.dispose();
    const meta = JSON.parse(
      readFileSync(join(dir, 'coops', 'coop-a', 'yield', nan, 'meta.json'), 'utf8'),
    ) as { evaluation: { model: { rmseTHa: unknown } } };
    expect(meta.evaluation.model.rmseTHa).toBeNull();

    await expect(store.promote('yield', nan)).rejects.toSatisfy(
      invalid(/cannot be promoted: its evaluation is not finite \(held-out RMSE: model null\)/),
    );
    await expect(store.promote('yield', worse)).rejects.toSatisfy(
      invalid(/held-out RMSE, 0\.91 t\/ha, is worse than FAO-33's 0\.66 t\/ha/),
    );
    await expect(store.promote('yield', noEvaluation)).rejects.toSatisfy(
      invalid(/model undefined, FAO-33 undefined/),
    );
    expect(await store.promoted('yield')).toBeNull();
    // As good as the baseline: allowed.
    expect(await store.promote('yield', good)).toEqual({ version: good, owner: 'coop-a' });
  });

  it('passes over a NaN model promoted before the rule: forecasts fall back to the shared one', async () => {
    await initTfBackend();
    const dir = mkdtempSync(join(tmpdir(), 'shamba-models-'));
    let now = Date.UTC(2026, 11, 3, 9, 0, 0);
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 3, seed: 1 });
    const shared = createModelStore({ dir, clock: () => now++ });
    const base = await shared.save('yield', model, FIT);
    await shared.promote('yield', base);
    const a = createModelStore({ dir, owner: 'coop-a', clock: () => now++ });
    const nan = await a.save('yield', model, {
      evaluation: { model: { rmseTHa: null }, fao33: { rmseTHa: 0.7 } },
    });
    model.dispose();
    // Promoted by the code before this rule: its promoted.json written directly.
    writeFileSync(
      join(dir, 'coops', 'coop-a', 'yield', 'promoted.json'),
      JSON.stringify({ version: nan, owner: 'coop-a' }),
    );
    expect(await a.inUse('yield')).toEqual({ version: base, owner: null });
    expect((await yieldModelInUse(dir, 'coop-a'))?.version).toBe(base);
  });
});
