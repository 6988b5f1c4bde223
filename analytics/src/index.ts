// Prescriptions: the service and the rules it runs.
export {
  DEFAULT_WINDOW_MS,
  createPrescriptionService,
  type PrescriptionService,
  type PrescriptionServiceOptions,
} from './prescriptions/prescription-service.js';
export { RULES } from './rules/index.js';
export { PROBE_LOOKBACK_DAYS } from './rules/water-balance/water-balance-rule.js';
export {
  isNotApplicable,
  provenanceOf,
  type NotApplicable,
  type PassEntry,
  type PrescriptionRule,
  type RuleContext,
  type RulePlan,
  type Stage,
} from './rules/rule.js';
export {
  SOIL_MOISTURE_RULE,
  soilMoisturePrescription,
  type SoilMoistureRuleInput,
} from './rules/soil-moisture/soil-moisture-prescription.js';
export { soilMoistureRule } from './rules/soil-moisture/soil-moisture-rule.js';
export {
  WATER_BALANCE_RULE,
  waterBalancePrescription,
  type WaterBalanceRuleInput,
} from './rules/water-balance/water-balance-prescription.js';
export { waterBalanceRule } from './rules/water-balance/water-balance-rule.js';
export {
  HORIZON_DAYS,
  RAIN_WAIT_DAYS,
  zoneIrrigation,
  type ZoneIrrigation,
  type ZoneIrrigationInput,
} from './rules/water-balance/zone-irrigation.js';
export {
  NITROGEN_RULE,
  nitrogenPrescription,
  type NitrogenRuleInput,
} from './rules/nitrogen/nitrogen-prescription.js';
export { nitrogenRule } from './rules/nitrogen/nitrogen-rule.js';

// Scenes: registration, uploads, watch folders, field indices per scene.
export {
  createSceneService,
  type SceneService,
  type SceneServiceOptions,
} from './scenes/scene-service.js';
export { sceneFieldIndices, type SceneIndicesInput } from './scenes/scene-indices.js';
export { MAX_FUTURE_ACQUISITION_MS, isFutureDated } from './scenes/acquisition-time.js';
export {
  createSceneRasterService,
  type SceneRasterService,
  type SceneRasterServiceOptions,
  type StoredScene,
} from './scenes/scene-raster-service.js';

// Yield: features, forecasts, season to date, history.
export {
  FEATURE_NAMES,
  GDD_BASE_C,
  YIELD_CROPS,
  fao33Yield,
  yieldFeatures,
  type SeasonDay,
  type YieldFeatureInput,
} from './yield/yield-features.js';
export {
  DEFAULT_YIELD_TRAINING,
  type YieldTrainingOptions,
} from './yield/yield-training-options.js';
export {
  PRODUCTION_METHOD,
  createForecastService,
  type CoopProduction,
  type CropProduction,
  type FieldForecast,
  type ForecastService,
} from './yield/forecast-service.js';
export { cropProduction } from './yield/crop-production.js';
export { stationsForField, weatherStationsByField } from './prescriptions/field-data.js';
export { seasonToDate, type SeasonToDate, type SeasonToDateInput } from './yield/season-to-date.js';
export {
  historyFeatures,
  historySeasons,
  parseYieldHistoryCsv,
  readYieldHistoryCsv,
  type NumberedHistoryRow,
} from './yield/yield-history.js';
export { checkYieldHistory } from './yield/yield-history-checks.js';
export { MAX_COMPUTED_ROWS, MAX_WEATHER_READS } from './yield/history-rain-over-et0.js';
export { PLAUSIBLE_YIELDS, type PlausibleYield } from './yield/plausible-yields.js';
export { promotionRefusal } from './models/promotion-check.js';
export type { LabelledSeason } from './yield/train-yield-model.js';

// Models: TF.js-free until a model is saved or loaded, so listing and promoting stay cheap.
export {
  createModelStore,
  listEveryOwner,
  type ModelOwner,
  type ModelStore,
  type ModelVersionEntry,
  type PromotedModel,
} from './models/model-store.js';

// Zones: delineation from a season's NDVI.
export {
  MIN_CLEAR_SHARE,
  MIN_FIELD_PIXELS,
  UNIFORM_NDVI_SPREAD,
  delineateZones,
  type ZoneDelineation,
} from './zones/delineate-zones.js';
export { FUZZINESS, bestClassCount, fuzzyKMeans, type FuzzyResult } from './zones/fuzzy-k-means.js';
export { MIN_CLEAR_SCENES, tooFewScenes } from './zones/delineate-zones.js';
export { MIN_ZONE_AREA_HA, maxClassesForArea, minZoneAreaHa } from './zones/zone-area.js';
export type { FieldZoneDelineation } from './zones/delineate-field-zones.js';
export { applyFieldZones, type AppliedZones } from './zones/apply-field-zones.js';
export {
  assignProbesToZones,
  pointInPolygon,
  type ProbeZoneAssignment,
} from './zones/probe-zones.js';

// Worker: the pool and the tasks it runs.
export { TASKS, runTask, type TaskInput, type TaskName, type TaskOutput } from './worker/tasks.js';
export {
  createWorkerPool,
  defaultPoolSize,
  type WorkerPool,
  type WorkerPoolOptions,
  type WorkerPoolStatus,
} from './worker/worker-pool.js';
