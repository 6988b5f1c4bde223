import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Shamba } from '@shamba/cli';
import { createSimDevice, type SimDevice } from '@shamba/firmware-sim';
import { encodeSenml, upTopic, type IrrigationPrescription } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { COOP, seedDevice, seedToken, startShamba, testField } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

// The whole path over real sockets: devices -> MQTT (TCP) -> ingest -> SQLite -> analytics
// worker thread -> SQLite -> HTTP API.
describe('thin path, end to end', () => {
  const dir = tempDir();
  let shamba: Shamba;
  let dry: SimDevice;
  let wet: SimDevice;
  let manager: string;
  let farmer: string;
  let rogue: { username: string; password: string };
  const now = Date.now();
  const t1 = Math.floor(now / 900_000) * 900_000 - 3_600_000;
  const t2 = t1 + 900_000;

  const get = async (path: string, token = manager) => {
    const response = await fetch(`${shamba.api.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    shamba = await startShamba(dir.path);
    const { registry } = shamba;
    await registry.coops.upsert(coopFixture({ id: COOP, name: 'Test coop' }));
    await registry.farmers.upsert({
      id: 'farmer-a',
      coopId: COOP,
      name: 'A',
      phone: '+251911000001',
      language: 'om',
    });
    await registry.farmers.upsert({
      id: 'farmer-b',
      coopId: COOP,
      name: 'B',
      phone: '+251911000002',
      language: 'am',
    });
    await registry.fields.upsert(testField('field-dry', 'farmer-a'));
    await registry.fields.upsert(testField('field-wet', 'farmer-b'));
    const dryCredentials = await seedDevice(registry, 'probe-dry', 'field-dry');
    const wetCredentials = await seedDevice(registry, 'probe-wet', 'field-wet');
    rogue = await seedDevice(registry, 'probe-rogue', 'field-dry');
    manager = await seedToken(registry, {
      role: 'manager',
      coopId: COOP,
      farmerId: null,
      name: 'M',
    });
    farmer = await seedToken(registry, {
      role: 'farmer',
      coopId: COOP,
      farmerId: 'farmer-b',
      name: 'B',
    });
    dry = await createSimDevice({
      brokerUrl: shamba.mqttUrl,
      coopId: COOP,
      deviceId: 'probe-dry',
      credentials: dryCredentials,
    });
    wet = await createSimDevice({
      brokerUrl: shamba.mqttUrl,
      coopId: COOP,
      deviceId: 'probe-wet',
      credentials: wetCredentials,
    });
  });
  afterAll(async () => {
    await dry?.close();
    await wet?.close();
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  it('prescribes water for the dry field and none for the wet one, traceably to the readings', async () => {
    // QoS 1: each publish resolves on PUBACK, i.e. after the reading is durable.
    await dry.publish('soil', t1, { vwc10: 0.2, vwc30: 0.2, vwc60: 0.2 }); // superseded by t2
    await dry.publish('soil', t2, { vwc10: 0.13, vwc30: 0.16, vwc60: 0.19 });
    await wet.publish('soil', t2, { vwc10: 0.23, vwc30: 0.24, vwc60: 0.245 });
    const made = await shamba.prescriptions.runOnce();
    // Each field's water from its probes, and its nitrogen (no station, no scene: the N budget).
    expect(made.map((p) => `${p.fieldId} ${p.kind}`).sort()).toEqual([
      'field-dry irrigation',
      'field-dry nitrogen',
      'field-wet irrigation',
      'field-wet nitrogen',
    ]);

    const { status, body } = await get('/v1/fields/field-dry/prescriptions/latest');
    expect(status).toBe(200);
    const p = body as unknown as IrrigationPrescription;
    // theta_root = (0.13*0.20 + 0.16*0.25 + 0.19*0.15) / 0.6 = 0.15750
    // Dr = 1000 * (0.25 - 0.1575) * 0.6 = 55.5 mm >= RAW = 0.55 * 78 = 42.9 mm: refill 55.5 mm,
    // gross 55.5 / 0.6 = 92.5 mm, volume 92.5 mm * 0.5 ha * 10 = 462.5 m3.
    expect({
      action: p.action,
      asOfMs: p.asOfMs,
      netDepthMm: p.netDepthMm,
      grossDepthMm: p.grossDepthMm,
      volumeM3: p.volumeM3,
      deviceIds: p.inputs.deviceIds,
      thetaRoot: p.steps.find((s) => s.name === 'theta_root')?.value,
    }).toEqual({
      action: 'irrigate',
      asOfMs: t2,
      netDepthMm: 55.5,
      grossDepthMm: 92.5,
      volumeM3: 462.5,
      deviceIds: ['probe-dry'],
      thetaRoot: 0.1575,
    });

    const wetP = (await get('/v1/fields/field-wet/prescriptions/latest'))
      .body as unknown as IrrigationPrescription;
    // theta_root = (0.23*0.2 + 0.24*0.25 + 0.245*0.15)/0.6 = 0.237917 (shown as 0.2379; the
    // arithmetic goes on with the exact value): Dr = 1000*(0.25 - 0.237917)*0.6 = 7.25.
    expect([wetP.action, wetP.netDepthMm, wetP.steps.find((s) => s.name === 'Dr')?.value]).toEqual([
      'none',
      0,
      7.25,
    ]);
  });

  it("serves the readings with the device's own timestamps", async () => {
    const { body } = await get(`/v1/fields/field-dry/readings?from=${t1}&to=${t2 + 1}`);
    // Newest first: the first page is what the device said last.
    expect([body.readings, body.next]).toEqual([
      [
        {
          deviceId: 'probe-dry',
          stream: 'soil',
          time: new Date(t2).toISOString(),
          seq: 1,
          zoneId: null,
          values: { vwc10: 0.13, vwc30: 0.16, vwc60: 0.19 },
        },
        {
          deviceId: 'probe-dry',
          stream: 'soil',
          time: new Date(t1).toISOString(),
          seq: 0,
          zoneId: null,
          values: { vwc10: 0.2, vwc30: 0.2, vwc60: 0.2 },
        },
      ],
      null,
    ]);
  });

  it('keeps a farmer to their own fields', async () => {
    expect((await get('/v1/fields', farmer)).body.fields).toMatchObject([{ id: 'field-wet' }]);
    expect((await get('/v1/fields/field-dry/prescriptions/latest', farmer)).status).toBe(404);
    expect((await get('/v1/fields', 'not-a-token')).status).toBe(401);
  });

  it('refuses a device with a wrong secret at CONNECT', async () => {
    const attempt = connectAsync(shamba.mqttUrl, {
      protocolVersion: 4,
      clientId: 'probe-dry',
      username: 'probe-dry',
      password: 'guessed-secret',
      reconnectPeriod: 0,
    });
    // MQTT 3.1.1 §3.2.2.3: return code 4, bad user name or password.
    await expect(attempt).rejects.toMatchObject({ code: 4 });
  });

  it('dead-letters a payload that fails the schema, acknowledges it, and keeps serving everyone', async () => {
    const before = shamba.broker.stats().readingsCommitted;
    // VWC cannot be 1.7 m3/m3. QoS 1: the PUBACK still comes (the dead letter is durable), so
    // the device does not resend it forever; its next reading goes through as usual.
    await wet.publish('soil', t2 + 900_000, { vwc10: 1.7 });
    await wet.publish('soil', t2 + 1_800_000, { vwc10: 0.22, vwc30: 0.23, vwc60: 0.24 });
    await dry.publish('soil', t2 + 900_000, { vwc10: 0.12, vwc30: 0.15, vwc60: 0.18 });
    expect(shamba.broker.stats().readingsCommitted).toBe(before + 2);

    const letters = (await get('/v1/dead-letters')).body.deadLetters as Record<string, unknown>[];
    expect(letters[0]).toMatchObject({
      deviceId: 'probe-wet',
      coopId: COOP,
      topic: upTopic(COOP, 'probe-wet', 'soil'),
      code: 'OUT_OF_RANGE',
      reason: 'vwc10=1.7 is outside 0..1',
      count: 1,
    });
    const stored = (await get(`/v1/fields/field-wet/readings?from=${t2 + 1}&to=${t2 + 3_600_000}`))
      .body.readings;
    expect(stored).toMatchObject([
      { time: new Date(t2 + 1_800_000).toISOString(), values: { vwc10: 0.22 } },
    ]);
  });

  it("refuses a client id that is not the device's own", async () => {
    const attempt = connectAsync(shamba.mqttUrl, {
      protocolVersion: 4,
      clientId: 'someone-else',
      username: rogue.username,
      password: rogue.password,
      reconnectPeriod: 0,
    });
    await expect(attempt).rejects.toMatchObject({ code: 2 }); // identifier rejected
  });

  it("disconnects a device that publishes under another device's topic, storing nothing", async () => {
    const client = await connectAsync(shamba.mqttUrl, {
      protocolVersion: 4,
      clientId: rogue.username,
      username: rogue.username,
      password: rogue.password,
      reconnectPeriod: 0,
    });
    const closed = new Promise((resolve) => client.once('close', () => resolve(undefined)));
    const forged = encodeSenml([
      {
        deviceId: 'probe-wet',
        stream: 'soil',
        timeMs: t2 + 2_700_000,
        seq: 5,
        values: { vwc10: 0.01 },
      },
    ]);
    client.publish(upTopic(COOP, 'probe-wet', 'soil'), Buffer.from(forged), { qos: 0 });
    await closed;
    const [letter] = await shamba.registry.deadLetters.list({ limit: 1 });
    expect(letter).toMatchObject({
      deviceId: 'probe-rogue',
      code: 'NOT_AUTHORIZED',
      topic: upTopic(COOP, 'probe-wet', 'soil'),
    });
    const stored = await shamba.store.query({
      deviceIds: ['probe-wet'],
      fromMs: t2 + 2_700_000,
      toMs: t2 + 2_700_001,
    });
    expect(stored).toEqual([]);
    // The real wet probe is unaffected.
    await wet.publish('soil', t2 + 2_700_000, { vwc10: 0.21 });
    expect(
      await shamba.store.query({
        deviceIds: ['probe-wet'],
        fromMs: t2 + 2_700_000,
        toMs: t2 + 2_700_001,
      }),
    ).toMatchObject([{ values: { vwc10: 0.21 } }]);
  });

  it('exposes Prometheus metrics: commits, rejections by reason, connected devices, commit latency', async () => {
    const response = await fetch(`${shamba.api.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const value = (line: RegExp) => Number(line.exec(text)?.[1]);
    expect(value(/^shamba_readings_committed_total (\d+)$/m)).toBe(
      shamba.broker.stats().readingsCommitted,
    );
    expect(value(/^shamba_messages_rejected_total\{reason="OUT_OF_RANGE"\} (\d+)$/m)).toBe(1);
    expect(value(/^shamba_messages_rejected_total\{reason="NOT_AUTHORIZED"\} (\d+)$/m)).toBe(1);
    expect(value(/^shamba_connected_devices (\d+)$/m)).toBe(2);
    expect(value(/^shamba_commit_seconds_count (\d+)$/m)).toBeGreaterThanOrEqual(6);
    expect(value(/^shamba_spool_depth (\d+)$/m)).toBe(0);
  });
});
