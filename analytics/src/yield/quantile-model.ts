import { tf } from '../models/tf-backend.js';

/** The quantiles forecast: P10, P50, P90. */
export const QUANTILES = [0.1, 0.5, 0.9] as const;

export interface QuantileModelOptions {
  inputs: number;
  hiddenUnits: number;
  seed: number;
}

/**
 * A small network with three outputs read as P50 and the distances down to P10 and up to P90
 * (through softplus), so the quantiles can never cross.
 */
export function buildQuantileModel(options: QuantileModelOptions): tf.LayersModel {
  const { inputs, hiddenUnits, seed } = options;
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [inputs],
      units: hiddenUnits,
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  model.add(
    tf.layers.dense({ units: hiddenUnits, activation: 'relu', kernelInitializer: init(2) }),
  );
  model.add(tf.layers.dense({ units: 3, kernelInitializer: init(3) }));
  return model;
}

/** [P10, P50, P90] from the raw outputs [m, a, b]: P50 = m, P10 = m − softplus(a), P90 = m + softplus(b). */
export function quantilesFromOutputs(raw: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [m, a, b] = tf.split(raw, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const p10 = m.sub<tf.Tensor2D>(tf.softplus(a));
    const p90 = m.add<tf.Tensor2D>(tf.softplus(b));
    return tf.concat2d([p10, m, p90], 1);
  });
}

/**
 * Pinball (quantile) loss averaged over the three quantiles: for quantile q and error
 * e = y − ŷ, max(q e, (q − 1) e) (Koenker & Bassett 1978).
 */
export function pinballLoss(yTrue: tf.Tensor, rawPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const pred = quantilesFromOutputs(rawPred as tf.Tensor2D);
    const q = tf.tensor2d([[...QUANTILES]]);
    const e = (yTrue as tf.Tensor2D).sub(pred); // y, once per quantile column
    return tf.maximum(e.mul(q), e.mul(q.sub(1))).mean();
  });
}
