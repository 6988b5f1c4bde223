export {
  ScenarioDeviceSchema,
  ScenarioFieldSchema,
  ScenarioSchema,
  parseScenario,
  type Scenario,
  type ScenarioDevice,
  type ScenarioField,
} from './scenarios/scenario.js';
export { BUILT_IN_SCENARIOS, BUILT_IN_SCENARIO_FILES, OROMIA_DEMO } from './scenarios/built-in.js';
export { gaussian, rng, type Rng } from './random/rng.js';
export {
  DEPTH_DRYING_FACTORS,
  profileWaterContent,
  rootZoneWaterContent,
  stepDepletion,
  totalAvailableWaterMm,
  type SoilProfile,
  type WaterFluxes,
} from './soil/soil-water.js';
export * as solar from './climate/solar.js';
export {
  dailyWeather,
  temperatureAt,
  type Climate,
  type DailyWeather,
  type MonthlyNormal,
  type WeatherSource,
} from './climate/climate.js';
export { daylightShare, pressureKPa, solarHour } from './climate/weather.js';
export {
  CROP_TRUTH,
  cropCoefficient,
  cropTruth,
  potentialCanopy,
  waterLimitedYield,
  type CropTruth,
} from './crops/crops.js';
export { ndmi, ndvi, surfaceReflectance, type Reflectance } from './optics/canopy-optics.js';
export { deviceZoneId, zonesOf, type ZoneSpec } from './zones/zones.js';
export { createWorld, type CropState, type World } from './world/world.js';
export { seasonPlantingMs } from './seasons/season-calendar.js';
export {
  simulateSeasons,
  type SimulateSeasonsOptions,
  type SimulatedSeason,
  type SimulatedSeasonDay,
} from './seasons/simulated-seasons.js';
export {
  BANDS,
  DN_OFFSET,
  DN_SCALE,
  OVERPASS_SOLAR_HOUR,
  REVISIT_DAYS,
  SCL,
  overpassesBetween,
  renderScene,
  type BandName,
  type Raster,
  type Scene,
} from './satellite/scene.js';
export { encodeBand, writeScene } from './satellite/write-scene.js';
export { utmProjector, utmZoneOf, type UtmZone } from './satellite/utm.js';
