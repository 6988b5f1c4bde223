import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { newDeviceSecret, type DeviceRecord } from '@shamba/storage';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createDeviceAuthenticator } from './authenticate.js';
import { CONNACK, type ConnectAttempt } from './ingest-hooks.js';

/** The registry-backed authenticate hook over a real (temporary) SQLite registry. */
describe('the default authenticate hook and disabled devices', () => {
  let stores: TempStores;
  const { secret, secretHash } = newDeviceSecret();
  const probe: DeviceRecord = {
    id: 'probe-1',
    coopId: 'coop-a',
    fieldId: null,
    zoneId: null,
    kind: 'soil-probe',
    secretHash,
  };
  const attempt = (password: string): ConnectAttempt => ({
    clientId: 'probe-1',
    username: 'probe-1',
    password: Buffer.from(password),
    address: '192.0.2.7',
  });
  beforeEach(async () => {
    stores = await openTempStores('shamba-authenticate-');
  });
  afterEach(() => stores.close());

  it('admits an enabled device, refuses it disabled (5, not authorized), admits it enabled again', async () => {
    const { registry } = stores;
    const authenticate = createDeviceAuthenticator({
      registry,
      logger: pino({ level: 'silent' }),
      clock: () => 0,
    });
    await registry.devices.upsert(probe);
    expect(await authenticate(attempt(secret))).toEqual({ ok: true, device: probe });
    await registry.devices.upsert({ ...probe, disabledMs: 1_000 });
    expect(await authenticate(attempt(secret))).toEqual({
      ok: false,
      returnCode: CONNACK.NOT_AUTHORIZED,
      reason: 'device disabled',
    });
    // A wrong secret learns nothing of the state: the same answer as for an enabled device.
    expect(await authenticate(attempt(`${secret}x`))).toEqual({
      ok: false,
      returnCode: CONNACK.BAD_USERNAME_OR_PASSWORD,
      reason: 'wrong device secret',
    });
    await registry.devices.upsert({ ...probe, disabledMs: null });
    expect(await authenticate(attempt(secret))).toEqual({
      ok: true,
      device: { ...probe, disabledMs: null },
    });
  });

  it('never backs off an address for a disabled device retrying', async () => {
    const { registry } = stores;
    const authenticate = createDeviceAuthenticator({
      registry,
      logger: pino({ level: 'silent' }),
      clock: () => 0,
    });
    await registry.devices.upsert({ ...probe, disabledMs: 1_000 });
    await registry.devices.upsert({ ...probe, id: 'probe-2', disabledMs: null });
    for (let i = 0; i < 50; i++) expect((await authenticate(attempt(secret))).ok).toBe(false);
    expect(
      await authenticate({ ...attempt(secret), clientId: 'probe-2', username: 'probe-2' }),
    ).toEqual({ ok: true, device: { ...probe, id: 'probe-2', disabledMs: null } });
  });
});
