import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Principal } from '@shamba/schemas';
import { coopFixture, fieldFixture } from '@shamba/schemas/testing';
import { tokenDigest, verifyDeviceSecret, type Registry } from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const NOW = Date.parse('2026-11-20T08:00:00Z');

const TOKENS: Record<string, Principal> = {
  'technician-a': { role: 'technician', coopId: 'coop-a', farmerId: null, name: 'Tech A' },
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agro A' },
  'farmer-a': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
};

const PROBE = {
  id: 'probe-7',
  coopId: 'coop-a',
  fieldId: 'field-1',
  zoneId: null,
  kind: 'soil-probe',
  disabledAt: null,
};

describe('/v1/coops/{coopId}/devices', () => {
  let stores: TempStores;
  let registry: Registry;
  let app: ReturnType<typeof createApp>;
  /** What the app asked the broker to disconnect, in order. */
  const disconnected: string[] = [];

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-devices-');
    ({ registry } = stores);
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(coopFixture({ id: 'coop-b' }));
    await registry.fields.upsert(fieldFixture());
    await registry.fields.upsert(fieldFixture({ id: 'field-b', coopId: 'coop-b' }));
    app = createApp({
      registry,
      store: stores.store,
      health: async () => ({}),
      clock: () => NOW,
      devices: { disconnect: async (id) => void disconnected.push(id) },
    });
  });
  afterAll(async () => stores.close());

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: res.status,
      location: res.headers.get('location'),
      cache: res.headers.get('cache-control'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };
  const passwordOf = (r: { body: Record<string, unknown> }) =>
    (r.body.credentials as { password: string }).password;

  it('provisions a device with its secret shown once (no-store), stored only as a digest', async () => {
    const res = await call('technician-a', 'POST', '/v1/coops/coop-a/devices', {
      id: 'probe-7',
      kind: 'soil-probe',
      fieldId: 'field-1',
    });
    expect(res).toEqual({
      status: 201,
      location: '/v1/coops/coop-a/devices/probe-7',
      cache: 'no-store',
      body: {
        device: PROBE,
        credentials: {
          username: 'probe-7',
          password: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as string,
        },
      },
    });
    const stored = await registry.devices.get('probe-7');
    expect(verifyDeviceSecret(passwordOf(res), stored!.secretHash)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(passwordOf(res));
  });

  it('lists and reads devices without a secret or its digest; another cooperative’s is 404', async () => {
    const list = await call('agronomist-a', 'GET', '/v1/coops/coop-a/devices');
    expect(list.body).toEqual({ coopId: 'coop-a', devices: [PROBE], next: null });
    expect(JSON.stringify(list.body)).not.toContain('sha256');
    expect((await call('technician-a', 'GET', '/v1/coops/coop-a/devices/probe-7')).body).toEqual({
      device: PROBE,
    });
    expect((await call('manager-b', 'GET', '/v1/coops/coop-b/devices/probe-7')).body).toEqual(
      problem('NOT_FOUND', 'no device probe-7 in cooperative coop-b'),
    );
    expect((await call('manager-b', 'GET', '/v1/coops/coop-a/devices')).status).toBe(404);
    expect((await call('farmer-a', 'GET', '/v1/coops/coop-a/devices')).status).toBe(403);
  });

  it('refuses a taken id (409), another cooperative’s field or a missing zone, and farmers', async () => {
    const body = { id: 'probe-7', kind: 'soil-probe', fieldId: 'field-b' };
    expect((await call('manager-b', 'POST', '/v1/coops/coop-b/devices', body)).body).toEqual(
      problem('CONFLICT', 'a device probe-7 is already registered'),
    );
    const foreign = { ...body, id: 'probe-8' };
    expect((await call('technician-a', 'POST', '/v1/coops/coop-a/devices', foreign)).body).toEqual(
      problem('INVALID_REQUEST', 'no field field-b in this cooperative'),
    );
    const zone = { ...foreign, fieldId: 'field-1', zoneId: 'z-9' };
    expect((await call('technician-a', 'POST', '/v1/coops/coop-a/devices', zone)).body).toEqual(
      problem('INVALID_REQUEST', 'field field-1 has no zone z-9'),
    );
    expect((await call('farmer-a', 'POST', '/v1/coops/coop-a/devices', foreign)).status).toBe(403);
    expect(await registry.devices.get('probe-8')).toBeUndefined();
  });

  it('rotates the secret: the new one shown once, the old one no longer verifies, the session ended', async () => {
    const before = (await registry.devices.get('probe-7'))!.secretHash;
    const res = await call('technician-a', 'POST', '/v1/coops/coop-a/devices/probe-7/secret');
    expect([res.status, res.cache, res.body.device]).toEqual([200, 'no-store', PROBE]);
    const after = (await registry.devices.get('probe-7'))!.secretHash;
    expect(after).not.toBe(before);
    expect(verifyDeviceSecret(passwordOf(res), after)).toBe(true);
    expect(disconnected).toEqual(['probe-7']);
    expect(
      (await call('manager-b', 'POST', '/v1/coops/coop-b/devices/probe-7/secret')).status,
    ).toBe(404);
    expect((await registry.devices.get('probe-7'))!.secretHash).toBe(after);
  });

  it('disables (disconnecting at once) and enables; another cooperative cannot', async () => {
    disconnected.length = 0;
    const disabledAt = new Date(NOW).toISOString();
    expect(
      (await call('technician-a', 'POST', '/v1/coops/coop-a/devices/probe-7/disable')).body,
    ).toEqual({
      device: { ...PROBE, disabledAt },
    });
    expect(disconnected).toEqual(['probe-7']);
    expect((await registry.devices.get('probe-7'))!.disabledMs).toBe(NOW);
    // Rotating a disabled device's secret leaves it disabled.
    const rotated = await call('technician-a', 'POST', '/v1/coops/coop-a/devices/probe-7/secret');
    expect(rotated.body.device).toEqual({ ...PROBE, disabledAt });
    expect(
      (await call('manager-b', 'POST', '/v1/coops/coop-b/devices/probe-7/enable')).status,
    ).toBe(404);
    expect(
      (await call('technician-a', 'POST', '/v1/coops/coop-a/devices/probe-7/enable')).body,
    ).toEqual({
      device: PROBE,
    });
    expect((await registry.devices.get('probe-7'))!.disabledMs).toBeNull();
  });
});
