import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Principal } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { tokenDigest, type Registry } from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const TOKENS: Record<string, Principal> = {
  admin: { role: 'admin', coopId: null, farmerId: null, name: 'Admin' },
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agro A' },
  'farmer-a': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
};

const NANDI = {
  id: 'coop-nandi',
  name: 'Nandi Hills Growers',
  timeZone: 'Africa/Nairobi',
  countryCode: 'KE',
};

describe('/v1/coops', () => {
  let stores: TempStores;
  let registry: Registry;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-coops-');
    ({ registry } = stores);
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(
      coopFixture({ id: 'coop-b', name: 'B', timezone: 'Africa/Nairobi' }),
    );
    app = createApp({ registry, store: stores.store, health: async () => ({}) });
  });
  afterAll(async () => stores.close());

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, location: res.headers.get('location'), body: await res.json() };
  };

  it('lets an admin add a cooperative, its timeZone stored as the coop’s timezone', async () => {
    expect(await call('admin', 'POST', '/v1/coops', NANDI)).toEqual({
      status: 201,
      location: '/v1/coops/coop-nandi',
      body: { coop: NANDI },
    });
    expect(await registry.coops.get('coop-nandi')).toEqual({
      id: 'coop-nandi',
      name: 'Nandi Hills Growers',
      countryCode: 'KE',
      timezone: 'Africa/Nairobi',
    });
    // The tz database's own spelling is stored, whatever the case sent.
    const lower = await call('admin', 'POST', '/v1/coops', {
      ...NANDI,
      id: 'coop-lower',
      timeZone: 'africa/addis_ababa',
    });
    expect(lower.body).toEqual({
      coop: { ...NANDI, id: 'coop-lower', timeZone: 'Africa/Addis_Ababa' },
    });
  });

  it('refuses a taken id (409), an unknown zone, an offset, and anyone but an admin', async () => {
    expect(await call('admin', 'POST', '/v1/coops', NANDI)).toEqual({
      status: 409,
      location: null,
      body: problem('CONFLICT', 'the cooperative id coop-nandi is taken'),
    });
    for (const timeZone of ['Africa/Atlantis', '+03:00']) {
      const res = await call('admin', 'POST', '/v1/coops', { ...NANDI, id: 'coop-x', timeZone });
      expect(res.status).toBe(400);
      expect((res.body as { detail: string }).detail).toContain('timeZone');
    }
    expect((await call('manager-a', 'POST', '/v1/coops', { ...NANDI, id: 'coop-y' })).body).toEqual(
      problem('NOT_AUTHORIZED', 'this needs one of the roles: admin'),
    );
    expect(await registry.coops.get('coop-x')).toBeUndefined();
    expect(await registry.coops.get('coop-y')).toBeUndefined();
  });

  it('lists every cooperative to an admin, a page at a time; anyone else sees only their own', async () => {
    const first = await call('admin', 'GET', '/v1/coops?limit=2');
    expect(first.body).toEqual({
      coops: [
        { id: 'coop-a', name: 'A', countryCode: 'ET', timeZone: 'Africa/Addis_Ababa' },
        { id: 'coop-b', name: 'B', countryCode: 'ET', timeZone: 'Africa/Nairobi' },
      ],
      next: expect.any(String) as string,
    });
    const next = (first.body as { next: string }).next;
    const second = await call('admin', 'GET', `/v1/coops?limit=2&cursor=${next}`);
    expect((second.body as { coops: { id: string }[] }).coops.map((c) => c.id)).toEqual([
      'coop-lower',
      'coop-nandi',
    ]);
    expect((second.body as { next: unknown }).next).toBeNull();
    for (const token of ['manager-a', 'farmer-a'])
      expect((await call(token, 'GET', '/v1/coops')).body).toEqual({
        coops: [{ id: 'coop-a', name: 'A', countryCode: 'ET', timeZone: 'Africa/Addis_Ababa' }],
        next: null,
      });
  });

  it('reads one cooperative for its own people; another is 404 exactly like a missing one', async () => {
    expect((await call('farmer-a', 'GET', '/v1/coops/coop-a')).status).toBe(200);
    const other = await call('manager-a', 'GET', '/v1/coops/coop-b');
    const missing = await call('manager-a', 'GET', '/v1/coops/coop-none');
    expect(other).toEqual({
      status: 404,
      location: null,
      body: problem('NOT_FOUND', 'no cooperative coop-b'),
    });
    expect(missing.body).toEqual(problem('NOT_FOUND', 'no cooperative coop-none'));
  });

  it('lets the manager rename their own and change its zone; not another’s, not an agronomist', async () => {
    expect(
      await call('manager-a', 'PATCH', '/v1/coops/coop-a', {
        name: 'Ada’a Union',
        timeZone: 'UTC',
      }),
    ).toEqual({
      status: 200,
      location: null,
      body: { coop: { id: 'coop-a', name: 'Ada’a Union', countryCode: 'ET', timeZone: 'UTC' } },
    });
    expect((await registry.coops.get('coop-a'))?.timezone).toBe('UTC');
    expect((await call('manager-b', 'PATCH', '/v1/coops/coop-a', { name: 'Mine' })).status).toBe(
      404,
    );
    expect((await call('agronomist-a', 'PATCH', '/v1/coops/coop-a', { name: 'X' })).status).toBe(
      403,
    );
    expect((await call('manager-a', 'PATCH', '/v1/coops/coop-a', {})).status).toBe(400);
    expect((await registry.coops.get('coop-a'))?.name).toBe('Ada’a Union');
  });
});
