export type { RainEvent, Scenario, ScenarioDevice, ScenarioField } from './scenarios/scenario.js';
export { OROMIA_DEMO } from './scenarios/oromia-demo.js';
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
export { daylightShare, pressureKPa, rainBetween, solarHour, weatherAt } from './world/weather.js';
export { createWorld, soilOf, type World } from './world/world.js';
export {
  createSimDevice,
  type DeviceCredentials,
  type SimDevice,
  type SimDeviceOptions,
} from './devices/sim-device.js';
export {
  DEFAULT_SAMPLE_INTERVAL_MS,
  createSimulation,
  type RunOptions,
  type Simulation,
  type SimulationOptions,
} from './simulation/simulation.js';
