export { createApp, type App, type AppOptions } from './app.js';
export { createApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export type { ComponentStatus, HealthCheck } from './routes/health.js';
export { canSeeField, fieldFilterFor } from './auth/tenancy.js';
export { TrainRequestSchema, type TrainRequest, type YieldModels } from './routes/models.js';
export type { DeviceSessions } from './routes/devices.js';
export {
  checkBoundary,
  checkZones,
  MAX_BOUNDARY_POSITIONS,
  MAX_FIELD_AREA_HA,
  MIN_FIELD_AREA_M2,
  type CheckedBoundary,
} from './provisioning/boundary.js';
export {
  loadDashboardAssets,
  writeDashboardAssets,
  type DashboardAssets,
} from './dashboard/assets.js';
