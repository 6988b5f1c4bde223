import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isShambaError } from '@shamba/schemas';
import { buildQuantileModel } from '../yield/quantile-model.js';
import { createModelStore } from './model-store.js';
import { initTfBackend, tf } from './tf-backend.js';

describe('model store', () => {
  it('saves versions that reload to the same predictions, lists, promotes', async () => {
    await initTfBackend();
    const dir = mkdtempSync(join(tmpdir(), 'shamba-models-'));
    let now = Date.UTC(2026, 10, 28, 12, 0, 0);
    const store = createModelStore({ dir, clock: () => now });
    const model = buildQuantileModel({ inputs: 4, hiddenUnits: 5, seed: 9 });
    const v1 = await store.save('yield', model, { seed: 9 });
    now += 1000;
    const v2 = await store.save('yield', model, { seed: 10 });
    expect(v1).toBe('yield-20261128t120000z');
    expect(v2).not.toBe(v1);
    expect(await store.promoted('yield')).toBeNull();
    await store.promote('yield', v1);
    const listed = await store.list('yield');
    expect(listed.map((l) => [l.version, l.promoted, l.meta.seed])).toEqual([
      [v1, true, 9],
      [v2, false, 10],
    ]);

    const { model: loaded } = await store.load('yield', v1);
    const x = tf.tensor2d([[0.1, -0.5, 2, 1]]);
    const a = (model.predict(x) as tf.Tensor).arraySync();
    const b = (loaded.predict(x) as tf.Tensor).arraySync();
    expect(b).toEqual(a);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();

    await expect(store.promote('yield', 'yield-nope')).rejects.toSatisfy((e) =>
      isShambaError(e, 'NOT_FOUND'),
    );
    await expect(store.load('yield', '../etc')).rejects.toSatisfy((e) =>
      isShambaError(e, 'INVALID_REQUEST'),
    );
  });
});
