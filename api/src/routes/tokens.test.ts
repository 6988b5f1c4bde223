import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { DAY_MS, type Principal } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { tokenDigest, type Registry } from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const NOW = Date.parse('2026-11-20T08:00:00Z');

const TOKENS: Record<string, Principal> = {
  admin: { role: 'admin', coopId: null, farmerId: null, name: 'Admin' },
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agro A' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
};

describe('/v1/tokens', () => {
  let stores: TempStores;
  let registry: Registry;
  let app: ReturnType<typeof createApp>;
  let nowMs = NOW;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-tokens-');
    ({ registry } = stores);
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(coopFixture({ id: 'coop-b' }));
    await registry.farmers.upsert({
      id: 'farmer-1',
      coopId: 'coop-a',
      name: 'Almaz',
      phone: '+251911000001',
      language: 'am',
    });
    app = createApp({
      registry,
      store: stores.store,
      health: async () => ({}),
      clock: () => nowMs,
    });
  });
  afterAll(async () => stores.close());

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      location: res.headers.get('location'),
      cache: res.headers.get('cache-control'),
      body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> | null,
    };
  };

  let farmerToken: { token: string; id: string };

  it('lets a manager issue a farmer token of their own cooperative, shown once, that works', async () => {
    nowMs = NOW + 1_000;
    const res = await call('manager-a', 'POST', '/v1/tokens', {
      role: 'farmer',
      coopId: 'coop-a',
      farmerId: 'farmer-1',
      name: 'Almaz',
      label: 'app:almaz',
      expiresAt: '2027-01-01T00:00:00+03:00',
    });
    const record = {
      id: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
      role: 'farmer',
      coopId: 'coop-a',
      farmerId: 'farmer-1',
      name: 'Almaz',
      label: 'app:almaz',
      createdAt: new Date(NOW + 1_000).toISOString(),
      expiresAt: '2026-12-31T21:00:00.000Z',
      revokedAt: null,
    };
    expect(res).toEqual({
      status: 201,
      location: expect.stringMatching(/^\/v1\/tokens\/[0-9a-f]{16}$/) as string,
      cache: 'no-store',
      body: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string, record },
    });
    const body = res.body as { token: string; record: { id: string } };
    farmerToken = { token: body.token, id: body.record.id };
    expect(res.location).toBe(`/v1/tokens/${farmerToken.id}`);
    expect((await call(farmerToken.token, 'GET', '/v1/fields')).status).toBe(200);
    // The default expiry: 90 days.
    const plain = await call('manager-a', 'POST', '/v1/tokens', {
      role: 'agronomist',
      coopId: 'coop-a',
    });
    expect((plain.body as { record: { expiresAt: string; name: string } }).record).toMatchObject({
      name: 'agronomist',
      expiresAt: new Date(NOW + 1_000 + 90 * DAY_MS).toISOString(),
    });
  });

  it('refuses a manager another cooperative (404), an admin token (403), and bad farmers and expiries', async () => {
    const post = (token: string, body: unknown) => call(token, 'POST', '/v1/tokens', body);
    expect((await post('manager-a', { role: 'manager', coopId: 'coop-b' })).body).toEqual(
      problem('NOT_FOUND', 'no cooperative coop-b'),
    );
    expect((await post('manager-a', { role: 'admin' })).body).toEqual(
      problem('NOT_AUTHORIZED', 'this needs one of the roles: admin'),
    );
    expect((await post('agronomist-a', { role: 'agronomist', coopId: 'coop-a' })).status).toBe(403);
    expect(
      (await post('manager-b', { role: 'farmer', coopId: 'coop-b', farmerId: 'farmer-1' })).body,
    ).toEqual(problem('INVALID_REQUEST', 'farmerId: a farmer of that cooperative is required'));
    expect((await post('manager-a', { role: 'farmer', coopId: 'coop-a' })).status).toBe(400);
    expect(
      (await post('manager-a', { role: 'manager', coopId: 'coop-a', farmerId: 'farmer-1' })).status,
    ).toBe(400);
    for (const expiresAt of ['2026-11-20T07:00:00Z', '2027-12-01T00:00:00Z'])
      expect(
        (await post('manager-a', { role: 'manager', coopId: 'coop-a', expiresAt })).body,
      ).toEqual(
        problem('INVALID_REQUEST', 'expiresAt must be in the future and at most 366 days away'),
      );
    expect((await post('admin', { role: 'admin', coopId: 'coop-a' })).status).toBe(400);
    expect((await post('admin', { role: 'admin', name: 'Ops' })).status).toBe(201);
  });

  it("lists tokens newest first, a page at a time, a manager only their cooperative's, never a digest", async () => {
    type Listed = { id: string; coopId: string | null; createdAt: string };
    const tokens = (r: { body: unknown }) => (r.body as { tokens: Listed[] }).tokens;
    const own = await call('manager-a', 'GET', '/v1/tokens');
    // Its two seeded tokens, the farmer's and the agronomist's it issued.
    expect(tokens(own).map((t) => t.coopId)).toEqual(['coop-a', 'coop-a', 'coop-a', 'coop-a']);
    expect(JSON.stringify(own.body)).not.toContain(tokenDigest(farmerToken.token));
    expect(JSON.stringify(own.body)).not.toContain(farmerToken.token);
    expect((await call('manager-b', 'GET', '/v1/tokens')).body).toEqual({
      tokens: [expect.objectContaining({ name: 'Manager B', coopId: 'coop-b' })],
      next: null,
    });
    const first = await call('admin', 'GET', '/v1/tokens?limit=3');
    const next = (first.body as { next: string }).next;
    const rest = await call('admin', 'GET', `/v1/tokens?limit=10&cursor=${next}`);
    const all = [...tokens(first), ...tokens(rest)];
    expect([tokens(first).length, (rest.body as { next: unknown }).next]).toEqual([3, null]);
    // Every token once (four seeded, three issued), newest first.
    expect(new Set(all.map((t) => t.id)).size).toBe(7);
    const created = all.map((t) => t.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(created.slice(3)).toEqual(Array(4).fill(new Date(0).toISOString()));
  });

  it('revokes at once; another cooperative’s token is 404, exactly like a missing one', async () => {
    const path = `/v1/tokens/${farmerToken.id}`;
    expect((await call('manager-b', 'DELETE', path)).body).toEqual(
      problem('NOT_FOUND', `no token ${farmerToken.id}`),
    );
    expect((await call('manager-b', 'GET', path)).status).toBe(404);
    expect((await call(farmerToken.token, 'GET', '/v1/fields')).status).toBe(200);
    expect(await call('manager-a', 'DELETE', path)).toEqual({
      status: 204,
      location: null,
      cache: null,
      body: null,
    });
    expect((await call(farmerToken.token, 'GET', '/v1/fields')).status).toBe(401);
    expect((await call('manager-a', 'GET', path)).body).toEqual({
      token: expect.objectContaining({
        id: farmerToken.id,
        revokedAt: new Date(NOW + 1_000).toISOString(),
      }) as unknown,
    });
  });
});
