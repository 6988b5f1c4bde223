import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrescriptionService, createWorkerPool } from '@shamba/analytics';
import type { Prescription } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import {
  createSqliteRegistry,
  createSqliteTimeSeriesStore,
  tokenDigest,
  type Registry,
  type TimeSeriesStore,
} from '@shamba/storage';
import { createApp } from '../app.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3

/** A cooperative station with two complete days, one field, and one pass of prescriptions. */
async function seed(registry: Registry, store: TimeSeriesStore): Promise<Prescription[]> {
  await registry.coops.upsert(coopFixture());
  await registry.devices.upsert(weatherStationFixture());
  await registry.fields.upsert(fieldFixture({ plantingDate: '2026-07-01' }));
  const readings = stationReadings(['2026-08-10', '2026-08-11'], {
    coopId: 'coop-a',
    utcOffsetMinutes: EAT,
  });
  await store.write(readings);
  await using pool = await createWorkerPool({ size: 0 });
  await using service = createPrescriptionService({
    registry,
    store,
    pool,
    logger: pino({ level: 'silent' }),
    clock: () => readings.at(-1)!.timeMs,
  });
  return service.runOnce();
}

describe('GET /v1/fields/{id}/prescriptions', () => {
  let dir: string;
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;
  let irrigation: Prescription;
  let nitrogen: Prescription;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shamba-api-rx-'));
    registry = await createSqliteRegistry({ path: join(dir, 'registry.sqlite') });
    store = await createSqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
    for (const [token, coopId] of [
      ['agronomist-a', 'coop-a'],
      ['agronomist-b', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role: 'agronomist', coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    const made = await seed(registry, store);
    expect(made.map((p) => p.kind)).toEqual(['irrigation', 'nitrogen']);
    [irrigation, nitrogen] = made as [Prescription, Prescription];
    app = createApp({ registry, store, health: async () => ({}) });
  });
  afterAll(async () => {
    await store.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, token = 'agronomist-a') => {
    const response = await app.request(`/v1/fields/field-1/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: await response.json() };
  };

  it('serves the latest prescription of the kind asked for, irrigation by default', async () => {
    expect(await get('prescriptions/latest')).toEqual({ status: 200, body: irrigation });
    expect(await get('prescriptions/latest?kind=irrigation')).toEqual({
      status: 200,
      body: irrigation,
    });
    expect(await get('prescriptions/latest?kind=nitrogen')).toEqual({
      status: 200,
      body: nitrogen,
    });
  });

  it('refuses a kind it does not know', async () => {
    const { status, body } = await get('prescriptions/latest?kind=bogus');
    expect(status).toBe(400);
    expect(body).toEqual({
      error: { code: 'INVALID_REQUEST', message: 'kind must be one of irrigation, nitrogen' },
    });
  });

  it('serves the newest of each kind together', async () => {
    expect(await get('prescriptions')).toEqual({
      status: 200,
      body: { prescriptions: { irrigation, nitrogen } },
    });
  });

  it("does not show another cooperative's field, by either route", async () => {
    for (const path of [
      'prescriptions/latest',
      'prescriptions/latest?kind=nitrogen',
      'prescriptions',
    ]) {
      const { status, body } = await get(path, 'agronomist-b');
      expect([path, status, body]).toEqual([
        path,
        404,
        { error: { code: 'NOT_FOUND', message: 'no field field-1' } },
      ]);
    }
  });
});
