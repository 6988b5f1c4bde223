export {
  CROP_PARAMETERS,
  DEFAULT_CROP_PARAMETERS,
  cropParameters,
  nominalSeasonDays,
  type CropParameters,
} from './crops/crop-parameters.js';
export { APPLICATION_EFFICIENCY } from './irrigation/application-efficiency.js';
export {
  PROBE_LAYERS,
  SOIL_MOISTURE_RULE,
  soilMoisturePrescription,
  type SoilMoistureRuleInput,
} from './irrigation/soil-moisture-rule.js';
export { TASKS, runTask, type TaskInput, type TaskName, type TaskOutput } from './worker/tasks.js';
export {
  createWorkerPool,
  defaultPoolSize,
  type WorkerPool,
  type WorkerPoolOptions,
  type WorkerPoolStatus,
} from './worker/worker-pool.js';
export {
  DEFAULT_WINDOW_MS,
  PROBE_LOOKBACK_DAYS,
  createPrescriptionService,
  type PrescriptionService,
  type PrescriptionServiceOptions,
} from './prescriptions/prescription-service.js';
export {
  DEFAULT_BUDGET,
  SUPPORTED_COMPRESSIONS,
  bytesSource,
  validateTiff,
  type ByteSource,
  type RasterBudget,
  type TiffImageInfo,
} from './raster/tiff-guard.js';
export { proj4For, projectorTo } from './raster/crs.js';
export {
  readBand,
  readSceneItem,
  type BandRaster,
  type MapWindow,
  type SceneItem,
} from './raster/scene-reader.js';
export { MAX_STAC_ITEM_BYTES, type SceneItemOptions } from './raster/stac-item.js';
export { ipv6Bytes, isPublicAddress, type RemoteAccess } from './raster/remote/address-policy.js';
export {
  MIN_VALID_FRACTION,
  USABLE_SCL,
  distribution,
  fieldIndices,
  fieldPixels,
  indexMean,
  ndmi,
  ndvi,
  savi,
  type Distribution,
  type FieldIndices,
  type SceneBands,
} from './raster/field-indices.js';
export { gapFill, type SeriesPoint } from './raster/index-series.js';
export {
  createSceneService,
  type SceneService,
  type SceneServiceOptions,
} from './scenes/scene-service.js';
export {
  MASKED_RGB,
  MAX_PNG_SIDE,
  NDVI_RAMP,
  rampColour,
  renderFieldNdviPng,
  renderNdviPng,
} from './raster/ndvi-png.js';
export { WINDOW_MARGIN_M, readSceneBands, windowAround } from './raster/scene-bands.js';
export { sceneFieldIndices, type SceneIndicesInput } from './scenes/scene-indices.js';
export {
  computeEt0,
  dailyEt0,
  hourlyEt0,
  type DailyEt0Result,
  type Et0Result,
  type HourlyEt0Result,
} from './agronomy/et0/et0.js';
export { calculateEt0, type Et0Outcome } from './agronomy/et0/et0-calculator.js';
export {
  adjustDepletionFraction,
  depletionFromWaterContent,
  readilyAvailableWaterMm,
  totalAvailableWaterMm,
  waterStressCoefficient,
} from './agronomy/water-balance/soil-water.js';
export {
  stepWaterBalance,
  type WaterBalanceDay,
  type WaterBalanceResult,
} from './agronomy/water-balance/daily-balance.js';
export {
  SOWING_ROOT_DEPTH_M,
  adjustKcForClimate,
  cropDay,
  type CropDay,
  type CropStage,
} from './agronomy/water-balance/crop-coefficient.js';
export {
  MIN_GROWING_DAYS,
  SPLIT_ABOVE_KG_N_HA,
  nitrogenRate,
  type NitrogenRate,
  type NitrogenRateInput,
} from './agronomy/nitrogen/nitrogen-rate.js';
export {
  SBNRC_COEFFICIENTS,
  type SbnrcCoefficients,
} from './agronomy/nitrogen/sbnrc-coefficients.js';
export {
  BAG_KG,
  N_PRODUCTS,
  productFor,
  type NProduct,
  type ProductAmount,
} from './agronomy/nitrogen/fertiliser-products.js';
export {
  HORIZON_DAYS,
  RAIN_WAIT_DAYS,
  zoneIrrigation,
  type ZoneIrrigation,
  type ZoneIrrigationInput,
} from './irrigation/zone-irrigation.js';
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
  WATER_BALANCE_RULE,
  waterBalancePrescription,
  type ForecastDay,
  type WaterBalanceRuleInput,
} from './irrigation/water-balance-rule.js';
export { MAX_BALANCE_DAYS } from './agronomy/water-balance/field-balance.js';
export {
  MIN_HOURS_PER_DAY,
  dailyWeather,
  elevationFromPressure,
  et0ForDay,
  localDate,
  summariseStation,
  utcOffsetMinutes,
  type DailyWeather,
  type StationWeather,
} from './agronomy/weather/daily-weather.js';
export {
  PRODUCTION_METHOD,
  createForecastService,
  type CoopProduction,
  type CropProduction,
  type FieldForecast,
  type ForecastService,
} from './yield/forecast-service.js';
export { seasonToDate, type SeasonToDate, type SeasonToDateInput } from './yield/season-to-date.js';
export { cropFor, parameterSetLabel } from './crops/parameter-sets.js';
export { historyFeatures, historySeasons, parseYieldHistoryCsv } from './yield/yield-history.js';
export type { LabelledSeason } from './yield/train-yield-model.js';
// TF.js-free until a model is saved or loaded: listing and promoting versions stay cheap.
export {
  createModelStore,
  listEveryOwner,
  type ModelOwner,
  type ModelStore,
  type ModelVersionEntry,
  type PromotedModel,
} from './models/model-store.js';
export {
  MIN_CLEAR_SHARE,
  MIN_FIELD_PIXELS,
  UNIFORM_NDVI_SPREAD,
  delineateZones,
  type ZoneDelineation,
} from './zones/delineate-zones.js';
export { FUZZINESS, bestClassCount, fuzzyKMeans, type FuzzyResult } from './zones/fuzzy-k-means.js';
export { encodeGeoTiff, type GeoTiffImage, type GeoTiffLayout } from './raster/tiff-writer.js';
