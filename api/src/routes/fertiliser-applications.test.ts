import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import {
  createPrescriptionService,
  createWorkerPool,
  type PrescriptionService,
  type WorkerPool,
} from '@shamba/analytics';
import type { NitrogenPrescription, Principal } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { tokenDigest, type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createApp } from '../app.js';
import { cursorOf } from '../http/pagination.js';
import { MAX_APPLICATIONS_PER_YEAR } from './fertiliser-applications.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3

const TOKENS: Record<string, Principal> = {
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agronomist A' },
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'technician-a': { role: 'technician', coopId: 'coop-a', farmerId: null, name: 'Tech A' },
  'farmer-1': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'farmer-2': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-2', name: 'Farmer 2' },
  'agronomist-b': { role: 'agronomist', coopId: 'coop-b', farmerId: null, name: 'Agronomist B' },
};

describe('GET/POST /v1/fields/{id}/fertiliser-applications', () => {
  let stores: TempStores;
  let registry: Registry;
  let store: TimeSeriesStore;
  let pool: WorkerPool;
  let service: PrescriptionService;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-fert-');
    ({ registry, store } = stores);
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture());
    await registry.devices.upsert(weatherStationFixture());
    // Maize sown 2026-07-01 with 60 kg N/ha declared; two days of station weather in August.
    await registry.fields.upsert(fieldFixture({ nitrogenKgHa: 60 }));
    await registry.fields.upsert(fieldFixture({ id: 'field-3' }));
    const readings = stationReadings(['2026-08-10', '2026-08-11'], {
      coopId: 'coop-a',
      utcOffsetMinutes: EAT,
    });
    await store.write(readings);
    pool = await createWorkerPool({ size: 0 });
    service = createPrescriptionService({
      registry,
      store,
      pool,
      logger: pino({ level: 'silent' }),
      clock: () => readings.at(-1)!.timeMs,
    });
    await service.runOnce();
    // Today is the day of the last readings: dates are judged against it.
    const clock = () => readings.at(-1)!.timeMs;
    app = createApp({ registry, store, health: async () => ({}), prescriptions: service, clock });
  });
  afterAll(async () => {
    await service.close();
    await pool.close();
    await stores.close();
  });

  const call = async (
    token: string,
    method: 'GET' | 'POST',
    body?: unknown,
    fieldId = 'field-1',
  ) => {
    const response = await app.request(`/v1/fields/${fieldId}/fertiliser-applications`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const nitrogen = async () =>
    (await registry.prescriptions.latest('field-1', 'nitrogen')) as NitrogenPrescription;

  it('records an application, and the next nitrogen prescription subtracts it', async () => {
    const before = await nitrogen();
    // By hand: maize (7 t x 18 kg N/t - 40) / 0.6 = 143.3 kg N/ha, less the 60 declared.
    expect([before.nKgHa, before.appliedN?.totalKgHa]).toEqual([83.3, 60]);

    const urea = { date: '2026-08-11', product: 'urea', amount: 100, unit: 'kg-product-ha' };
    const posted = await call('agronomist-a', 'POST', urea);
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({
      application: {
        ...urea,
        id: 1,
        fieldId: 'field-1',
        coopId: 'coop-a',
        nKgHa: 46,
        recordedBy: { name: 'Agronomist A', role: 'agronomist' },
        recordedAtMs: expect.any(Number) as number,
      },
      recompute: 'pending',
    });

    // Made again in the background, not in the request.
    const after = await vi.waitFor(async () => {
      const latest = await nitrogen();
      expect(latest.id).not.toBe(before.id);
      return latest;
    });
    expect([after.nKgHa, after.appliedN]).toEqual([
      37.3,
      {
        declaredKgHa: 60,
        applicationCount: 1,
        recordedKgHa: 46,
        applications: [{ id: 1, date: '2026-08-11', product: 'urea', nKgHa: 46 }],
        totalKgHa: 106,
        sinceSceneCount: 0,
        sinceSceneKgHa: 0,
      },
    ]);
    expect(after.revision?.reasons).toEqual(['fertiliser application recorded']);
    expect(after.steps.find((s) => s.name === 'N applied')).toMatchObject({
      formula: 'declared on the field 60 + recorded this season 46',
      value: 106,
    });

    // Given as kg N/ha, any product.
    const manure = { date: '2026-07-01', product: 'compost', amount: 10, unit: 'kg-n-ha' };
    expect((await call('manager-a', 'POST', manure)).status).toBe(201);
    await vi.waitFor(async () => expect((await nitrogen()).nKgHa).toBe(27.3));
  });

  it("lets the field's farmer read them, and no one else outside its cooperative", async () => {
    const listed = await call('farmer-1', 'GET');
    expect(listed.status).toBe(200);
    expect((listed.body.applications as { nKgHa: number }[]).map((a) => a.nKgHa)).toEqual([10, 46]);
    expect(listed.body.next).toBeNull();
  });

  it('pages the applications by date, oldest first, one to a page', async () => {
    const applications = await registry.fertiliserApplications.list('field-1');
    expect(applications.map((a) => [a.date, a.id])).toEqual([
      ['2026-07-01', 2],
      ['2026-08-11', 1],
    ]);
    const page = async (query: string) => {
      const response = await app.request(`/v1/fields/field-1/fertiliser-applications?${query}`, {
        headers: { authorization: 'Bearer farmer-1' },
      });
      return [response.status, await response.json()];
    };
    const first = await page('limit=1');
    expect(first).toEqual([
      200,
      { fieldId: 'field-1', applications: [applications[0]], next: cursorOf(['2026-07-01', 2]) },
    ]);
    const next = (first[1] as { next: string }).next;
    expect(await page(`limit=1&cursor=${next}`)).toEqual([
      200,
      { fieldId: 'field-1', applications: [applications[1]], next: null },
    ]);
    expect((await page('limit=501'))[0]).toBe(400);
  });

  it('lets no one else outside its cooperative read them, nor anyone but staff record', async () => {
    expect((await call('agronomist-a', 'GET')).status).toBe(200);
    expect((await call('farmer-2', 'GET')).status).toBe(404);
    expect((await call('agronomist-b', 'GET')).status).toBe(404);
    expect((await call('technician-a', 'GET')).status).toBe(403);
    const urea = { date: '2026-08-11', product: 'urea', amount: 50, unit: 'kg-product-ha' };
    expect((await call('farmer-1', 'POST', urea)).status).toBe(403);
    expect((await call('agronomist-b', 'POST', urea)).status).toBe(404);
    expect((await registry.fertiliserApplications.list('field-1')).length).toBe(2);
  });

  it('refuses an unknown product by weight, a future date, and an implausible dose', async () => {
    const refused = async (body: object) => {
      const { status, body: error } = await call('agronomist-a', 'POST', body);
      return [status, (error as { detail: string }).detail];
    };
    const base = { date: '2026-08-11', product: 'urea', amount: 100, unit: 'kg-product-ha' };
    expect(await refused({ ...base, product: 'compost' })).toEqual([
      400,
      'unknown product compost: one of urea, can, nps, dap, npk-17-17-17, npk-20-05-20, or give the amount in kg-n-ha',
    ]);
    expect(await refused({ ...base, date: '2999-01-01' })).toEqual([
      400,
      'date 2999-01-01 is in the future',
    ]);
    expect(await refused({ ...base, amount: 900 })).toEqual([
      400,
      '414 kg N/ha in one application is more than 400: give the amount per hectare',
    ]);
    expect((await call('agronomist-a', 'POST', { ...base, unit: 'bags' })).status).toBe(400);
    // No N: 0.1 kg of urea is 0.05 kg N, recorded to 0.1 kg N/ha as 0.
    expect(await refused({ ...base, amount: 0.1 })).toEqual([
      400,
      '0.1 kg-product-ha of urea is 0 kg N/ha: at least 0.1 kg N/ha is recorded',
    ]);
    expect(await refused({ ...base, amount: 0.01, unit: 'kg-n-ha' })).toEqual([
      400,
      '0.01 kg-n-ha of urea is 0 kg N/ha: at least 0.1 kg N/ha is recorded',
    ]);
    // Five years (of 365 days) before today, 2026-08-11, is the oldest recorded.
    expect(await refused({ ...base, date: '2021-08-11' })).toEqual([
      400,
      'date 2021-08-11 is more than 5 years ago (earliest 2021-08-12): it counts for no advice now',
    ]);
    expect((await registry.fertiliserApplications.list('field-1')).length).toBe(2);
  });

  it('refuses more than 100 applications in any 365 days of a field, saying so', async () => {
    const post = async (date: string) => {
      const body = { date, product: 'urea', amount: 10, unit: 'kg-product-ha' };
      return call('agronomist-a', 'POST', body, 'field-3');
    };
    // 99 recorded already (straight into the registry); the 100th goes through the API.
    for (let i = 0; i < MAX_APPLICATIONS_PER_YEAR - 1; i++)
      await registry.fertiliserApplications.add({
        fieldId: 'field-3',
        coopId: 'coop-a',
        date: '2026-03-01',
        product: 'urea',
        amount: 10,
        unit: 'kg-product-ha',
        nKgHa: 4.6,
        recordedBy: { name: 'Agronomist A', role: 'agronomist' },
        recordedAtMs: 0,
      });
    expect((await post('2026-08-01')).status).toBe(201);
    const refused = await post('2026-08-02');
    expect([refused.status, (refused.body as { detail: string }).detail]).toEqual([
      400,
      'field field-3 already has 100 applications within a year of 2026-08-02; at most 100 in any 365 days: nothing was recorded (several on one day? record their sum)',
    ]);
    // 366 days before the cluster: no 365 days hold more than 100, so there is room.
    expect((await post('2025-02-28')).status).toBe(201);
    const all = { fromDate: '2000-01-01', toDate: '2099-12-31' };
    expect(await registry.fertiliserApplications.count('field-3', all)).toBe(101);
  });
});
