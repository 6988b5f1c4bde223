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
  type TrueEpoch,
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
  GLOBAL_CIVIL_CARD,
  createShortMessageNetwork,
  createTerminal,
  type CardLimits,
  type ShortMessageNetwork,
  type Terminal,
} from './beidou/terminal.js';
// The RDSS sentences live in @shamba/schemas (a pure codec); re-exported here for old importers.
export { formatTxa, formatTxr, parseTxa, parseTxr } from '@shamba/schemas';
export {
  createFarmerTerminal,
  renderAdvice,
  type FarmerScreen,
  type FarmerTerminal,
  type FarmerTerminalOptions,
} from './beidou/farmer-terminal.js';
export {
  serveTerminal,
  type TerminalServer,
  type TerminalServerOptions,
} from './beidou/terminal-server.js';
