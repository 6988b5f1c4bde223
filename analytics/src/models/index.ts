/**
 * The TF.js side of analytics, a separate entry (`@shamba/analytics/models`) so that importing
 * `@shamba/analytics` does not load TF.js: only what trains or runs a model pays for it.
 */
export { initTfBackend, tf, type TfBackendName } from './tf-backend.js';
export { QUANTILES, buildQuantileModel, pinballLoss } from '../yield/quantile-model.js';
export {
  FORECAST_POINTS,
  forecastRows,
  trainYieldModel,
  type Evaluation,
  type Forecast,
  type LabelledSeason,
  type YieldModelMeta,
} from '../yield/train-yield-model.js';
export { trainAndSave, type TrainedVersion } from '../yield/train-and-save.js';
