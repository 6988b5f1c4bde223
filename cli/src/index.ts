export { createShamba, type Shamba, type ShambaOptions } from './shamba.js';
export { seedScenario, writeCredentials, type DemoCredentials } from './demo/seed-scenario.js';
export { ConfigSchema, ENV_VARS, loadConfig, type Config } from './config.js';
export { COMMANDS, main, usage } from './main.js';
export { DEMO_YIELD_TRAINING, ensureYieldModel } from './yield-models.js';
