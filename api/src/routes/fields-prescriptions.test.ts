import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import { createPrescriptionService, createWorkerPool } from '@shamba/analytics';
import type { Prescription } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { tokenDigest, type Registry, type TimeSeriesStore } from '@shamba/storage';
import { createApp } from '../app.js';
import { cursorOf } from '../http/pagination.js';
import { problem } from '../testing/problem.js';

const EAT = 180; // Africa/Addis_Ababa, UTC+3

/**
 * A cooperative station with two complete days, one field, and two passes of prescriptions: the
 * second asked for again (zones applied) with the same readings, so each kind has two versions.
 */
async function seed(registry: Registry, store: TimeSeriesStore): Promise<Prescription[][]> {
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
  return [await service.runOnce(), await service.recompute('field-1', 'zones applied')];
}

/** What the routes answer: a prescription, a page of versions, or a problem (RFC 9457). */
type Body = Record<string, unknown> & {
  history?: unknown[];
  next?: string | null;
  code?: string;
};

describe('GET /v1/fields/{id}/prescriptions', () => {
  let stores: TempStores;
  let registry: Registry;
  let store: TimeSeriesStore;
  let app: ReturnType<typeof createApp>;
  let irrigation: Prescription;
  let nitrogen: Prescription;
  let firstIrrigation: Prescription;
  let firstNitrogen: Prescription;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-rx-');
    ({ registry, store } = stores);
    for (const [token, coopId] of [
      ['agronomist-a', 'coop-a'],
      ['agronomist-b', 'coop-b'],
    ] as const)
      await registry.tokens.add(
        tokenDigest(token),
        { role: 'agronomist', coopId, farmerId: null, name: token },
        { createdMs: 0, expiresMs: null },
      );
    const [first, second] = await seed(registry, store);
    expect([first!.map((p) => p.kind), second!.map((p) => p.kind)]).toEqual([
      ['irrigation', 'nitrogen'],
      ['irrigation', 'nitrogen'],
    ]);
    [firstIrrigation, firstNitrogen] = first as [Prescription, Prescription];
    [irrigation, nitrogen] = second as [Prescription, Prescription];
    app = createApp({ registry, store, health: async () => ({}) });
  });
  afterAll(async () => {
    await stores.close();
  });

  const get = async (path: string, token = 'agronomist-a') => {
    const response = await app.request(`/v1/fields/field-1/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Body };
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
    expect(body).toEqual(problem('INVALID_REQUEST', 'kind must be one of irrigation, nitrogen'));
  });

  /** A version as the history lists it (the whole of it is at /prescriptions/{id}). */
  const listed = (p: Prescription) => ({
    id: p.id,
    kind: p.kind,
    createdAtMs: p.createdAtMs,
    asOfMs: p.asOfMs,
    action: p.action,
    summary: p.summary,
    ...(p.kind === 'irrigation'
      ? { grossDepthMm: p.grossDepthMm, volumeM3: p.volumeM3 }
      : { nKgHa: p.nKgHa }),
    provenance: p.provenance,
    revision: p.revision,
  });

  it('serves the newest of each kind, and every version newest first with why it was made', async () => {
    expect(await get('prescriptions')).toEqual({
      status: 200,
      body: {
        latest: { irrigation, nitrogen },
        history: [nitrogen, irrigation, firstNitrogen, firstIrrigation].map(listed),
        next: null,
      },
    });
    // A recompute is a new version: its own id, numbered after the first, saying why.
    expect(new Set([irrigation.id, nitrogen.id, firstIrrigation.id, firstNitrogen.id]).size).toBe(
      4,
    );
    expect(irrigation.revision).toEqual({
      number: 2,
      previousId: firstIrrigation.id,
      reasons: ['zones applied'],
      changes: [],
    });
    expect(firstIrrigation.revision).toEqual({
      number: 1,
      previousId: null,
      reasons: ['first irrigation prescription of the field'],
      changes: [],
    });
  });

  it('pages the versions of one kind with `limit` and `cursor`, two pages', async () => {
    const page1 = await get('prescriptions?kind=irrigation&limit=1');
    expect([page1.status, page1.body.history, page1.body.next]).toEqual([
      200,
      [listed(irrigation)],
      cursorOf([irrigation.id]),
    ]);
    const page2 = await get(`prescriptions?kind=irrigation&limit=1&cursor=${page1.body.next}`);
    // The last page says so: no cursor to an empty page.
    expect([page2.status, page2.body.history, page2.body.next]).toEqual([
      200,
      [listed(firstIrrigation)],
      null,
    ]);
    const both = await get('prescriptions?limit=3');
    const rest = await get(`prescriptions?limit=3&cursor=${both.body.next}`);
    expect([both.body.history, rest.body.history, rest.body.next]).toEqual([
      [nitrogen, irrigation, firstNitrogen].map(listed),
      [listed(firstIrrigation)],
      null,
    ]);
  });

  it('answers 304 to a client that holds the prescription it polls', async () => {
    for (const path of [
      'prescriptions/latest?kind=nitrogen',
      `prescriptions/${encodeURIComponent(firstIrrigation.id)}`,
    ]) {
      const url = `/v1/fields/field-1/${path}`;
      const headers = { authorization: 'Bearer agronomist-a' };
      const first = await app.request(url, { headers });
      const etag = first.headers.get('etag');
      expect([first.status, first.headers.get('cache-control'), etag]).toEqual([
        200,
        'private, no-cache',
        expect.stringMatching(/^"[\w-]{43}"$/),
      ]);
      const again = await app.request(url, { headers: { ...headers, 'if-none-match': etag! } });
      expect([path, again.status, again.headers.get('etag'), await again.text()]).toEqual([
        path,
        304,
        etag,
        '',
      ]);
    }
    // Another kind is another representation: another tag.
    const irrigationTag = (
      await app.request('/v1/fields/field-1/prescriptions/latest', {
        headers: { authorization: 'Bearer agronomist-a' },
      })
    ).headers.get('etag');
    const nitrogenTag = (
      await app.request('/v1/fields/field-1/prescriptions/latest?kind=nitrogen', {
        headers: { authorization: 'Bearer agronomist-a' },
      })
    ).headers.get('etag');
    expect(irrigationTag).not.toBe(nitrogenTag);
  });

  it('serves one version by its id, and only under its own field', async () => {
    expect(await get(`prescriptions/${encodeURIComponent(firstNitrogen.id)}`)).toEqual({
      status: 200,
      body: firstNitrogen,
    });
    await registry.fields.upsert(fieldFixture({ id: 'field-2', plantingDate: '2026-07-01' }));
    const other = await app.request(
      `/v1/fields/field-2/prescriptions/${encodeURIComponent(firstNitrogen.id)}`,
      { headers: { authorization: 'Bearer agronomist-a' } },
    );
    expect(other.status).toBe(404);
    expect((await get('prescriptions/no-such-id')).body).toEqual(
      problem('NOT_FOUND', 'no prescription no-such-id for field-1'),
    );
  });

  it('refuses a bad kind, limit or cursor in the history', async () => {
    for (const query of [
      'kind=bogus',
      'limit=0',
      'limit=101',
      'limit=x',
      `cursor=${cursorOf(['no-such-id'])}`,
      `cursor=${cursorOf([1, 2])}`,
      'cursor=not-base64-json',
    ]) {
      const { status, body } = await get(`prescriptions?${query}`);
      expect([query, status, body.code]).toEqual([query, 400, 'INVALID_REQUEST']);
    }
  });

  it("does not show another cooperative's field, by any route", async () => {
    for (const path of [
      'prescriptions/latest',
      'prescriptions/latest?kind=nitrogen',
      'prescriptions',
      `prescriptions/${encodeURIComponent(irrigation.id)}`,
    ]) {
      const { status, body } = await get(path, 'agronomist-b');
      expect([path, status, body]).toEqual([path, 404, problem('NOT_FOUND', 'no field field-1')]);
    }
  });
});
