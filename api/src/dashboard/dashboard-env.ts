import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { ForecastService } from '@shamba/analytics';
import { webText, type MessageLanguage } from '@shamba/delivery';
import type { Principal } from '@shamba/schemas';
import type { Registry, TimeSeriesStore } from '@shamba/storage';
import type { AuthFailureLimit } from '../auth/auth-failure-limit.js';
import type { Session, SessionStore } from '../auth/sessions.js';
import type { YieldModels } from '../routes/models.js';
import type { DashboardAssets } from './assets.js';

/** What a dashboard page's handler finds on its context: who, their session, their language. */
export type DashboardEnv = {
  Variables: { principal: Principal; session: Session; language: MessageLanguage };
};
export type DashboardContext = Context<DashboardEnv>;

/** What the pages read and act through: the same stores and services as the API. */
export interface DashboardDeps {
  registry: Registry;
  store: TimeSeriesStore;
  sessions: SessionStore;
  failures: AuthFailureLimit;
  assets: DashboardAssets;
  clock: () => number;
  /** Failures the pages cannot show whole (a background training's), with their stack. */
  logger?: Logger;
  forecasts?: ForecastService;
  models?: YieldModels;
}

/** The page's text for `key` (the locale file's `web` tree) in the signed-in user's language. */
export function t(
  c: DashboardContext,
  key: string,
  values?: Readonly<Record<string, string | number>>,
): string {
  return webText(key, c.get('language'), values);
}
