import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Principal } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest } from '@shamba/storage';
import { createApp } from '../app.js';
import { loadDashboardAssets } from './assets.js';
import { createSessionStore } from '../auth/sessions.js';
import { safeNext } from './safe-next.js';
import { problem } from '../testing/problem.js';

const NOW = Date.parse('2026-11-20T08:00:00Z');
const TOKENS: Record<string, Principal> = {
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'farmer-1': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'to-revoke': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Leaving' },
};

/** A browser's cookie jar, just enough for one origin. */
class Jar {
  private cookies = new Map<string, string>();
  take(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = pair!.split('=') as [string, string];
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }
  get(name: string) {
    return this.cookies.get(name);
  }
  header() {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

describe('signing in to the dashboard', () => {
  let stores: TempStores;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-dashboard-sign-in-');
    const { registry } = stores;
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture({ id: 'coop-a' }));
    await registry.fields.upsert(
      fieldFixture({ id: 'field-1', coopId: 'coop-a', farmerId: 'farmer-1' }),
    );
    app = createApp({
      registry,
      store: stores.store,
      health: async () => ({}),
      clock: () => NOW,
      authFailures: { maxFailures: 3 },
      dashboard: { assets: await loadDashboardAssets() },
    });
  });
  afterAll(async () => stores.close());

  const html = { accept: 'text/html' };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const formHeaders = (jar: Jar) => ({
    'content-type': 'application/x-www-form-urlencoded',
    cookie: jar.header(),
  });

  /** GET /login and POST the token with the form's CSRF value, as the browser would. */
  async function signIn(token: string, next = '/') {
    const jar = new Jar();
    const page = await jar.take(await app.request('/login', { headers: html })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const response = jar.take(
      await app.request('/login', {
        method: 'POST',
        headers: formHeaders(jar),
        body: form({ _csrf: csrf, token, next }),
      }),
    );
    return { jar, response, csrf };
  }

  it('sends a signed-out browser to /login, and back where it was after', async () => {
    const response = await app.request('/fields/field-1', { headers: html });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Ffields%2Ffield-1');
    const { response: signedIn, jar } = await signIn('manager-a', '/fields/field-1');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/fields/field-1');
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('shamba_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const map = await app.request('/', { headers: { ...html, cookie: jar.header() } });
    expect(map.status).toBe(200);
    expect(await map.text()).toContain('Manager A');
    // A page's own policy: scripts from the box only, never inline.
    expect(map.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  it('refuses a wrong token with the form again (401), then 429 past the failure limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn('not-a-token')).response.status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    // A valid token still gets through from the same address (bearer auth's rule).
    expect((await signIn('manager-a')).response.status).toBe(303);
  });

  it('refuses a sign-in form without its CSRF value (a login CSRF)', async () => {
    const response = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ token: 'manager-a' }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.getSetCookie().some((c) => c.startsWith('shamba_session='))).toBe(
      false,
    );
  });

  it('never redirects off the site after sign-in', () => {
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('/fields/field-1?x=1')).toBe('/fields/field-1?x=1');
  });

  it('a form that changes something needs the session CSRF token', async () => {
    const { jar, csrf: loginCsrf } = await signIn('manager-a');
    const page = await (
      await app.request('/', { headers: { ...html, cookie: jar.header() } })
    ).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
    expect(csrf).not.toBe(loginCsrf);
    const without = await app.request('/language', {
      method: 'POST',
      headers: formHeaders(jar),
      body: form({ language: 'sw', next: '/' }),
    });
    expect(without.status).toBe(403);
    const crossSite = await app.request('/language', {
      method: 'POST',
      headers: { ...formHeaders(jar), origin: 'https://evil.example' },
      body: form({ _csrf: csrf, language: 'sw', next: '/' }),
    });
    expect(crossSite.status).toBe(403);
    const ok = jar.take(
      await app.request('/language', {
        method: 'POST',
        headers: formHeaders(jar),
        body: form({ _csrf: csrf, language: 'sw', next: '/' }),
      }),
    );
    expect(ok.status).toBe(303);
    const inSwahili = await app.request('/', { headers: { ...html, cookie: jar.header() } });
    expect(await inSwahili.text()).toMatch(/<html lang="sw"/);
  });

  it('the session works for the API from the page, GETs only without the CSRF header', async () => {
    const { jar } = await signIn('manager-a');
    const page = await (
      await app.request('/', { headers: { ...html, cookie: jar.header() } })
    ).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
    const fields = await app.request('/v1/fields', { headers: { cookie: jar.header() } });
    expect(fields.status).toBe(200);
    expect(((await fields.json()) as { fields: unknown[] }).fields).toHaveLength(1);
    const post = (headers: Record<string, string>) =>
      app.request('/v1/coops/coop-a/farmers', {
        method: 'POST',
        headers: { cookie: jar.header(), 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ id: 'f-x', name: 'X', phone: '+251911000999', language: 'om' }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ 'x-csrf-token': csrf })).status).not.toBe(403);
  });

  it('signing out, or revoking the token, ends the session at once', async () => {
    const { jar } = await signIn('manager-a');
    const page = await (
      await app.request('/', { headers: { ...html, cookie: jar.header() } })
    ).text();
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
    const before = jar.header();
    const out = jar.take(
      await app.request('/logout', {
        method: 'POST',
        headers: formHeaders(jar),
        body: form({ _csrf: csrf }),
      }),
    );
    expect(out.headers.get('location')).toBe('/login');
    // The old cookie, replayed, no longer works.
    expect((await app.request('/', { headers: { ...html, cookie: before } })).status).toBe(303);

    const leaving = await signIn('to-revoke');
    expect(
      (await app.request('/', { headers: { ...html, cookie: leaving.jar.header() } })).status,
    ).toBe(200);
    const [record] = await stores.registry.tokens
      .list({ coopId: 'coop-a' })
      .then((all) => all.filter((t) => t.principal.name === 'Leaving'));
    await stores.registry.tokens.revoke(record!.id, NOW);
    expect(
      (await app.request('/', { headers: { ...html, cookie: leaving.jar.header() } })).status,
    ).toBe(303);
    expect(
      (await app.request('/v1/fields', { headers: { cookie: leaving.jar.header() } })).status,
    ).toBe(401);
  });

  it('a farmer sees their own fields; another field of theirs does not exist for others', async () => {
    const { jar } = await signIn('farmer-1');
    const map = await (
      await app.request('/', { headers: { ...html, cookie: jar.header() } })
    ).text();
    expect(map).toContain('data-field="field-1"');
  });

  it('refuses a large sign-in body before reading it, and keeps pages out of the cache', async () => {
    const huge = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${'a'.repeat(200_000)}`,
    });
    expect(huge.status).toBe(400);
    const { jar } = await signIn('manager-a');
    const page = await app.request('/', { headers: { ...html, cookie: jar.header() } });
    expect(page.headers.get('cache-control')).toBe('no-store');
    const form = await app.request('/language', {
      method: 'POST',
      headers: formHeaders(jar),
      body: `_csrf=x&language=${'a'.repeat(100_000)}`,
    });
    expect(form.status).toBe(400);
  });

  it('leaves an unknown API path and a wrong method to the API, not the sign-in', async () => {
    const headers = { authorization: 'Bearer manager-a' };
    const unknown = await app.request('/v1/nonexistent', { headers });
    expect([unknown.status, unknown.headers.get('content-type'), await unknown.json()]).toEqual([
      404,
      'application/problem+json',
      problem('NOT_FOUND', 'no route GET /v1/nonexistent'),
    ]);
    const wrong = await app.request('/v1/coops/coop-a/farmers', { method: 'PUT', headers });
    expect([wrong.status, wrong.headers.get('allow'), await wrong.json()]).toEqual([
      405,
      'GET, HEAD, POST',
      problem('METHOD_NOT_ALLOWED', '/v1/coops/coop-a/farmers answers GET, HEAD, POST'),
    ]);
  });

  it('keeps the API answering JSON to a browser, and the pages answering pages', async () => {
    const { jar } = await signIn('manager-a');
    const api = await app.request('/v1/fields/nope', {
      headers: { ...html, cookie: jar.header() },
    });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const page = await app.request('/fields/nope', { headers: { ...html, cookie: jar.header() } });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('serves assets gzipped, immutable, and 304 to a browser that has them', async () => {
    const page = await (await app.request('/login', { headers: html })).text();
    const css = /href="(\/assets\/common-[^"]+\.css)"/.exec(page)![1]!;
    const first = await app.request(css, { headers: { 'accept-encoding': 'gzip' } });
    expect(first.headers.get('content-encoding')).toBe('gzip');
    expect(first.headers.get('cache-control')).toMatch(/immutable/);
    const again = await app.request(css, {
      headers: { 'if-none-match': first.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('answers a request the browser makes on its own with 401, not the sign-in form', async () => {
    expect((await app.request('/favicon.ico')).status).toBe(204);
    expect((await app.request('/some-image.png', { headers: { accept: 'image/*' } })).status).toBe(
      401,
    );
  });
});

describe('the session store', () => {
  it('keeps at most 10 sessions a token: signing in again and again evicts only its own', async () => {
    await using stores = await openTempStores('shamba-sessions-');
    const { registry } = stores;
    await registry.tokens.add(tokenDigest('farmer'), TOKENS['farmer-1']!, {
      createdMs: 0,
      expiresMs: null,
    });
    await registry.tokens.add(tokenDigest('manager'), TOKENS['manager-a']!, {
      createdMs: 0,
      expiresMs: null,
    });
    const sessions = createSessionStore(registry, { clock: () => NOW, max: 50 });
    const manager = sessions.create(tokenDigest('manager'));
    const farmer = Array.from({ length: 1_000 }, () => sessions.create(tokenDigest('farmer')));
    expect(await sessions.resolve(manager.id)).toBeDefined();
    const alive = await Promise.all(
      farmer.map(async (s) => (await sessions.resolve(s.id)) !== undefined),
    );
    expect(alive.filter(Boolean)).toHaveLength(10);
    expect(alive.slice(-10).every(Boolean)).toBe(true);
  });
});

describe("a session checked on the person's behalf", () => {
  it('is not kept alive by the check (a forgotten tab with a live stream still times out)', async () => {
    await using stores = await openTempStores('shamba-sessions-touch-');
    await stores.registry.tokens.add(tokenDigest('m'), TOKENS['manager-a']!, {
      createdMs: 0,
      expiresMs: null,
    });
    let now = NOW;
    const sessions = createSessionStore(stores.registry, { clock: () => now, idleMs: 1_000 });
    const session = sessions.create(tokenDigest('m'));
    now += 600;
    expect(await sessions.resolve(session.id, { touch: false })).toBeDefined();
    now += 600;
    expect(await sessions.resolve(session.id, { touch: false })).toBeUndefined();
  });
});
