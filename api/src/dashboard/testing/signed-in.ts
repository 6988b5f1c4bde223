import type { Principal } from '@shamba/schemas';
import { tokenDigest, type Registry } from '@shamba/storage';
import { createApp, type AppOptions } from '../../app.js';
import { createSessionStore, type Session, type SessionStore } from '../../auth/sessions.js';
import type { HealthCheck } from '../../routes/health.js';
import { loadDashboardAssets, type DashboardAssets } from '../assets.js';

// What every dashboard page test sets up the same way: people signed in (a token each, a
// session each, made directly rather than through POST /login and its CSRF cookie), the real app
// serving the dashboard, and requests sent as one of them.

/** People signed in to the dashboard, by the name each was given. */
export interface SignedIn {
  /** The store holding their sessions: the app must be given this one. */
  sessions: SessionStore;
  /** The Cookie header of `user`'s session. */
  cookie(user: string): string;
  /** The CSRF secret of `user`'s session, sent as `_csrf` in forms. */
  csrf(user: string): string;
}

/**
 * Each of `users` given an API token (the name is the token, never expiring) and a session
 * signed in with it, in a new session store on `clock`. Asking for someone not signed in throws,
 * so a misspelt name fails the test instead of quietly sending no session.
 */
export async function signInUsers(
  registry: Registry,
  users: Record<string, Principal>,
  options: { clock: () => number },
): Promise<SignedIn> {
  const sessions = createSessionStore(registry, { clock: options.clock });
  const byUser = new Map<string, Session>();
  for (const [name, principal] of Object.entries(users)) {
    await registry.tokens.add(tokenDigest(name), principal, { createdMs: 0, expiresMs: null });
    byUser.set(name, sessions.create(tokenDigest(name)));
  }
  const session = (user: string) => {
    const found = byUser.get(user);
    if (found === undefined) throw new Error(`${user} is not signed in`);
    return found;
  };
  return {
    sessions,
    cookie: (user) => `shamba_session=${session(user).id}`,
    csrf: (user) => session(user).csrf,
  };
}

/** The dashboard's bundled assets, shared by every test in this process (see `dashboardAssets`). */
const ASSETS = Symbol.for('shamba.dashboard.testing.assets');
type AssetCache = { [ASSETS]?: Promise<DashboardAssets> };

/**
 * The assets bundled once, not once per test file: bundling costs about half a second. Kept on
 * `globalThis` so test files sharing a worker share it too (a module-level cache would be reset
 * with each file's fresh module graph). Assets are only read, so sharing cannot leak state.
 */
export function dashboardAssets(): Promise<DashboardAssets> {
  const cache = globalThis as AssetCache;
  cache[ASSETS] ??= loadDashboardAssets();
  return cache[ASSETS];
}

export type DashboardAppOptions = Omit<AppOptions, 'dashboard' | 'health'> & {
  /** The signed-in people's session store (`signInUsers(...).sessions`). */
  sessions: SessionStore;
  /** Default: healthy with nothing to report. */
  health?: HealthCheck;
};

/** The real app, serving the dashboard with the bundled assets and these sessions. */
export async function dashboardApp(options: DashboardAppOptions) {
  const { sessions, ...rest } = options;
  return createApp({
    health: async () => ({}),
    ...rest,
    dashboard: { assets: await dashboardAssets(), sessions },
  });
}

type App = ReturnType<typeof createApp>;

/** Requests to `app` as one of the signed-in people. */
export interface PageRequests {
  get(user: string, path: string): Promise<Response>;
  /**
   * A form POST (urlencoded) with the session's `_csrf` first, then `fields`;
   * `csrf: false` leaves it out, to see the form refused.
   */
  postForm(
    user: string,
    path: string,
    fields?: Record<string, string>,
    options?: { csrf?: boolean },
  ): Promise<Response>;
}

export function pageRequests(app: App, signedIn: SignedIn): PageRequests {
  return {
    get: async (user, path) => app.request(path, { headers: { cookie: signedIn.cookie(user) } }),
    postForm: async (user, path, fields = {}, { csrf = true } = {}) =>
      app.request(path, {
        method: 'POST',
        headers: {
          cookie: signedIn.cookie(user),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ ...(csrf ? { _csrf: signedIn.csrf(user) } : {}), ...fields }),
      }),
  };
}
