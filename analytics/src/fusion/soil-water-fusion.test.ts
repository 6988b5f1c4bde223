import { describe, expect, it } from 'vitest';
import { initTfBackend, tf } from '../models/tf-backend.js';
import { MIN_FUSION_ZONES } from './fusion-features.js';
import { createFusionCache, fitPredictFusion } from './soil-water-fusion.js';

// A cooperative where greener canopies sit on wetter soil: depletion share = 0.9 - 0.9 NDVI
// (plus a little scatter), on two soils. The model must find it for unprobed zones, and be
// surer inside the probed range than far outside it.
const truth = (ndvi: number, fc: number) => 0.9 - 0.9 * ndvi + 0.5 * (0.25 - fc);

function probed(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const ndvi = 0.3 + (0.4 * i) / (n - 1);
    const fc = i % 2 === 0 ? 0.23 : 0.25;
    const noise = ((i * 7919) % 11) / 11 / 50 - 0.01;
    return { x: [ndvi, null, fc, fc - 0.13, 0.6, 1.1], share: truth(ndvi, fc) + noise };
  });
}

describe('soil-water fusion (TF.js ensemble)', () => {
  it('predicts unprobed zones within the scatter, and widens the band where it extrapolates', async () => {
    await initTfBackend();
    const before = tf.memory().numTensors;
    const result = await fitPredictFusion({
      train: probed(16),
      predict: [
        { x: [0.5, null, 0.25, 0.12, 0.6, 1.1] }, // inside the probed range
        { x: [0.62, null, 0.23, 0.1, 0.6, 1.1] },
        { x: [0.05, null, 0.4, 0.05, 1.5, 0.3] }, // bare, odd soil, far outside
      ],
      seed: 7,
    });
    expect(tf.memory().numTensors).toBe(before); // nothing leaked
    const [inside, second, outside] = result.predictions;
    expect(Math.abs(inside!.share - truth(0.5, 0.25))).toBeLessThan(0.06);
    expect(Math.abs(second!.share - truth(0.62, 0.23))).toBeLessThan(0.06);
    expect(inside!.sd).toBeLessThan(0.1);
    expect(outside!.sd).toBeGreaterThan(2 * inside!.sd);
    expect(result.trainedOn).toBe(16);
    for (const p of result.predictions) {
      expect(p.share).toBeGreaterThanOrEqual(0);
      expect(p.share).toBeLessThanOrEqual(1);
    }
    // Same seed, same answer.
    const again = await fitPredictFusion({
      train: probed(16),
      predict: [{ x: [0.5, null, 0.25, 0.12, 0.6, 1.1] }],
      seed: 7,
    });
    expect(again.predictions[0]!.share).toBeCloseTo(inside!.share, 6);
  });

  it('refuses to fit on too few probed zones', async () => {
    await expect(
      fitPredictFusion({ train: probed(MIN_FUSION_ZONES - 1), predict: [], seed: 1 }),
    ).rejects.toThrow(/at least 5 probed zones/);
  });

  it('keeps fitted ensembles in a cache: the same probed zones are not fitted twice', async () => {
    await initTfBackend();
    const cache = createFusionCache(1);
    const before = tf.memory().numTensors;
    const ask = (train: ReturnType<typeof probed>) =>
      fitPredictFusion(
        { train, predict: [{ x: [0.5, null, 0.25, 0.12, 0.6, 1.1] }], seed: 7 },
        cache,
      );
    const first = await ask(probed(16));
    const held = tf.memory().numTensors;
    expect(held).toBeGreaterThan(before); // the ensemble's weights stay for the next pass
    const second = await ask(probed(16));
    expect(tf.memory().numTensors).toBe(held); // nothing fitted again
    expect(second.predictions[0]!.share).toBe(first.predictions[0]!.share);
    // New probe data: a new fit, and the old ensemble (past the cache's size of 1) disposed.
    await ask(probed(17));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(tf.memory().numTensors).toBe(held);
  });
});
