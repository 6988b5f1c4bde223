export { createApp, type App, type AppOptions } from './app.js';
export { createApiServer, type ApiServer, type ApiServerOptions } from './server.js';
export type { ComponentStatus, HealthCheck } from './routes/health.js';
export { canSeeField, fieldFilterFor } from './auth/tenancy.js';
export { TrainRequestSchema, type TrainRequest, type YieldModels } from './routes/models.js';
export {
  loadDashboardAssets,
  writeDashboardAssets,
  type DashboardAssets,
} from './dashboard/assets.js';
