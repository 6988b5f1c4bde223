/** Hyperparameters of the yield model; TF.js-free so the CLI can show the defaults cheaply. */
export interface YieldTrainingOptions {
  seed: number;
  epochs: number;
  hiddenUnits: number;
  learningRate: number;
  batchSize: number;
  /** Share of weather groups held out for evaluation, whole: never rows of a season trained on. */
  heldOutShare: number;
}

export const DEFAULT_YIELD_TRAINING: YieldTrainingOptions = {
  seed: 1,
  epochs: 150,
  hiddenUnits: 16,
  learningRate: 0.01,
  batchSize: 64,
  // Held out: half calibrates the band per season fraction, half evaluates it.
  heldOutShare: 0.4,
};
