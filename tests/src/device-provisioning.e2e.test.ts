import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Shamba } from '@shamba/cli';
import { COOP, seedCoop, seedToken, startShamba, testField } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

// Issue 18: devices provisioned, disabled and rotated over the API of a running `shamba start`,
// with a real device (mqtt.js over TCP) on its broker: disabling disconnects it at once and
// it cannot come back; after a rotation the old secret is refused and the new one admitted.
describe('device provisioning over the API, against the running broker', () => {
  const dir = tempDir();
  let shamba: Shamba;
  let technician: string;
  const open: MqttClient[] = [];

  beforeAll(async () => {
    shamba = await startShamba(dir.path);
    await seedCoop(shamba.registry);
    await shamba.registry.fields.upsert(testField('field-1', 'f'));
    technician = await seedToken(shamba.registry, {
      role: 'technician',
      coopId: COOP,
      farmerId: null,
      name: 'T',
    });
  });
  afterAll(async () => {
    for (const client of open) await client.endAsync(true);
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${shamba.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${technician}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const passwordOf = (r: { body: Record<string, unknown> }) =>
    (r.body.credentials as { password: string }).password;
  /** CONNECT as the device: the connected client, or the CONNACK refusal's return code. */
  const connect = async (password: string) => {
    try {
      const client = await connectAsync(shamba.mqttUrl, {
        protocolVersion: 4,
        clientId: 'probe-e2e',
        username: 'probe-e2e',
        password,
        reconnectPeriod: 0,
      });
      open.push(client);
      return client;
    } catch (error) {
      return (error as { code?: number }).code;
    }
  };
  /** Resolves when the broker closes the client's connection. */
  const closed = (client: MqttClient) =>
    new Promise<'closed'>((resolve) => client.once('close', () => resolve('closed')));

  it('disconnects a disabled device at once and refuses it (CONNACK 5) until enabled', async () => {
    const added = await api('POST', `/v1/coops/${COOP}/devices`, {
      id: 'probe-e2e',
      kind: 'soil-probe',
      fieldId: 'field-1',
    });
    expect(added.status).toBe(201);
    const password = passwordOf(added);
    const device = await connect(password);
    expect(typeof device).toBe('object');
    const gone = closed(device as MqttClient);
    const disabled = await api('POST', `/v1/coops/${COOP}/devices/probe-e2e/disable`);
    expect(disabled.status).toBe(200);
    expect(await gone).toBe('closed');
    // MQTT 3.1.1 §3.2.2.3: 5, not authorized.
    expect(await connect(password)).toBe(5);
    expect((await api('POST', `/v1/coops/${COOP}/devices/probe-e2e/enable`)).status).toBe(200);
    const again = await connect(password);
    expect((again as MqttClient).connected).toBe(true);
  });

  it('after a rotation ends the session, refuses the old secret (4) and admits the new one', async () => {
    const oldPassword = passwordOf(await api('POST', `/v1/coops/${COOP}/devices/probe-e2e/secret`));
    // The client left connected by the test before was ended with its secret.
    const current = open.at(-1)!;
    await expect.poll(() => current.connected).toBe(false);
    const rotated = await api('POST', `/v1/coops/${COOP}/devices/probe-e2e/secret`);
    expect(rotated.status).toBe(200);
    // 4: bad user name or password.
    expect(await connect(oldPassword)).toBe(4);
    const admitted = await connect(passwordOf(rotated));
    expect((admitted as MqttClient).connected).toBe(true);
  });
});
