import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Principal } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest } from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const NOW = Date.parse('2026-12-03T08:00:00Z');

const TOKENS: Record<string, Principal> = {
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agro A' },
  'farmer-tola': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-tola', name: 'Tola' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
};

const TOLA = { id: 'farmer-tola', name: 'Tola Abdi', phone: '+251911000303', language: 'om' };

describe('the audit log and erasing a farmer', () => {
  let stores: TempStores;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-audit-');
    const { registry } = stores;
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture({ id: 'coop-a' }));
    await registry.coops.upsert(coopFixture({ id: 'coop-b' }));
    app = createApp({ registry, store: stores.store, health: async () => ({}), clock: () => NOW });
  });
  afterAll(async () => stores.close());

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('records who read or changed what, in the cooperative whose data it was', async () => {
    expect((await call('manager-a', 'POST', '/v1/coops/coop-a/farmers', TOLA)).status).toBe(201);
    await stores.registry.fields.upsert(
      fieldFixture({ id: 'f-tola', coopId: 'coop-a', farmerId: 'farmer-tola' }),
    );
    expect((await call('farmer-tola', 'GET', '/v1/fields/f-tola')).status).toBe(200);
    expect((await call('agronomist-a', 'GET', '/v1/coops/coop-a/farmers')).status).toBe(200);
    // Another cooperative's manager probing A: written to B's log, not A's.
    expect((await call('manager-b', 'GET', '/v1/coops/coop-a/farmers')).status).toBe(404);
    // A path no route answers touched nothing: not written (nor can it fill the log).
    expect((await call('manager-a', 'GET', `/v1/${'a'.repeat(5000)}`)).status).toBe(404);

    const log = await call('manager-a', 'GET', '/v1/coops/coop-a/audit');
    expect(log.status).toBe(200);
    const lines = (log.body.entries as Record<string, unknown>[]).map((e) => [
      e.actor,
      e.action,
      e.method,
      e.path,
      e.status,
    ]);
    expect(lines).toEqual([
      ['Agro A', 'read', 'GET', '/v1/coops/coop-a/farmers', 200],
      ['Tola', 'read', 'GET', '/v1/fields/f-tola', 200],
      ['Manager A', 'create', 'POST', '/v1/coops/coop-a/farmers', 201],
    ]);
    const b = await call('manager-b', 'GET', '/v1/coops/coop-b/audit');
    expect(
      (b.body.entries as { path: string; status: number }[]).map((e) => [e.path, e.status]),
    ).toEqual([['/v1/coops/coop-a/farmers', 404]]);
    expect((await call('agronomist-a', 'GET', '/v1/coops/coop-a/audit')).status).toBe(403);
    const forged = Buffer.from('["zzz"]').toString('base64url');
    expect(await call('manager-a', 'GET', `/v1/coops/coop-a/audit?cursor=${forged}`)).toEqual({
      status: 400,
      body: problem('INVALID_REQUEST', 'cursor: not a cursor this API gave'),
    });
    expect((await call('manager-b', 'GET', '/v1/coops/coop-a/audit')).status).toBe(404);
  });

  it('erases a farmer: gone from the API, fields kept under a pseudonym, their token dead', async () => {
    expect((await call('manager-b', 'DELETE', '/v1/coops/coop-a/farmers/farmer-tola')).status).toBe(
      404,
    );
    expect(
      (await call('agronomist-a', 'DELETE', '/v1/coops/coop-a/farmers/farmer-tola')).status,
    ).toBe(403);
    const erased = await call('manager-a', 'DELETE', '/v1/coops/coop-a/farmers/farmer-tola');
    expect(erased).toEqual({
      status: 200,
      body: {
        erased: {
          farmerId: 'farmer-tola',
          coopId: 'coop-a',
          pseudonym: expect.stringMatching(/^erased-/) as unknown,
          fields: 1,
          messages: 0,
          inbound: 0,
          tokensRevoked: 1,
        },
      },
    });
    expect((await call('manager-a', 'GET', '/v1/coops/coop-a/farmers/farmer-tola')).status).toBe(
      404,
    );
    expect((await call('farmer-tola', 'GET', '/v1/fields/f-tola')).status).toBe(401);
    const field = await call('manager-a', 'GET', '/v1/fields/f-tola');
    expect([field.status, field.body.farmerId]).toEqual([
      200,
      (erased.body.erased as { pseudonym: string }).pseudonym,
    ]);
    const log = await call('manager-a', 'GET', '/v1/coops/coop-a/audit?limit=3');
    expect((log.body.entries as { method: string; path: string }[])[2]).toMatchObject({
      actor: 'Manager A',
      action: 'delete',
      path: '/v1/coops/coop-a/farmers/farmer-tola',
    });
    const older = await call(
      'manager-a',
      'GET',
      `/v1/coops/coop-a/audit?cursor=${String(log.body.next)}`,
    );
    expect((older.body.entries as unknown[]).length).toBeGreaterThan(2);
  });
});
