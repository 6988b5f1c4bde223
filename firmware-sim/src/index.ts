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
} from './world/soil-water.js';
export * as solar from './world/solar.js';
export {
  dailyWeather,
  temperatureAt,
  type Climate,
  type DailyWeather,
  type MonthlyNormal,
} from './world/climate.js';
export {
  CROP_TRUTH,
  cropCoefficient,
  cropTruth,
  potentialCanopy,
  waterLimitedYield,
  type CropTruth,
} from './world/crops.js';
export { ndmi, ndvi, surfaceReflectance, type Reflectance } from './world/canopy-optics.js';
export { daylightShare, pressureKPa, solarHour } from './world/weather.js';
export { createWorld, type CropState, type World } from './world/world.js';
export { seasonPlantingMs } from './world/season-calendar.js';
export { deviceZoneId, zonesOf, type ZoneSpec } from './world/zones.js';
export {
  createSimDevice,
  deviceConnectOptions,
  type DeviceCredentials,
  type SimDevice,
  type SimDeviceOptions,
} from './devices/sim-device.js';
export { openFlashQueue, type FlashQueue, type FlashQueueOptions } from './firmware/flash-queue.js';
export { backoffDelayMs, type BackoffOptions } from './firmware/backoff.js';
export {
  BDT_MINUS_UTC_S,
  GPST_MINUS_BDT_S,
  bdtToUtcMs,
  gnssEpoch,
  utcToBdtMs,
  type GnssProfile,
  type Position,
} from './firmware/gnss-receiver.js';
export {
  startDeviceFirmware,
  type DeviceFirmware,
  type DeviceFirmwareOptions,
  type FirmwareStats,
} from './firmware/device-firmware.js';
export {
  DEFAULT_SAMPLE_INTERVAL_MS,
  createSimulation,
  type RunOptions,
  type SimulatedDevice,
  type Simulation,
  type SimulationOptions,
} from './simulation/simulation.js';
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
export {
  simulateSeasons,
  type SimulateSeasonsOptions,
  type SimulatedSeason,
  type SimulatedSeasonDay,
} from './seasons/simulated-seasons.js';
