import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Field, Polygon, Principal } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { tokenDigest, type Registry } from '@shamba/storage';
import { createApp } from '../app.js';
import { problem } from '../testing/problem.js';

const TOKENS: Record<string, Principal> = {
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'agronomist-a': { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'Agro A' },
  'technician-a': { role: 'technician', coopId: 'coop-a', farmerId: null, name: 'Tech A' },
  'farmer-1': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'farmer-2': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-2', name: 'Farmer 2' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
};

// Metres east and north of a point near Bishoftu, Ethiopia, as WGS 84 degrees (to 0.1%).
const at = (xM: number, yM: number): [number, number] => [
  38.98 + xM / 110_030,
  8.75 + yM / 110_592,
];
const rect = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [[at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)]],
});

/** A 100 m × 100 m maize plot (1 ha) of farmer-1. */
const PLOT = {
  id: 'field-plot',
  name: 'Lower plot',
  farmerId: 'farmer-1',
  crop: 'maize',
  plantingDate: '2026-07-01',
  boundary: rect(0, 0, 100, 100),
  soil: { texture: 'loam' },
  irrigationMethod: 'furrow',
};

describe('/v1/coops/{coopId}/fields', () => {
  let stores: TempStores;
  let registry: Registry;
  let app: ReturnType<typeof createApp>;
  const stale: string[] = [];

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-coop-fields-');
    ({ registry } = stores);
    for (const [token, principal] of Object.entries(TOKENS))
      await registry.tokens.add(tokenDigest(token), principal, { createdMs: 0, expiresMs: null });
    await registry.coops.upsert(coopFixture());
    await registry.coops.upsert(coopFixture({ id: 'coop-b' }));
    for (const [id, coopId] of [
      ['farmer-1', 'coop-a'],
      ['farmer-2', 'coop-a'],
      ['farmer-b', 'coop-b'],
    ])
      await registry.farmers.upsert({
        id: id!,
        coopId: coopId!,
        name: id!,
        phone: '+251911000001',
        language: 'om',
      });
    app = createApp({
      registry,
      store: stores.store,
      health: async () => ({}),
      prescriptions: {
        recompute: async () => null,
        markStale: (fieldId, reason) => stale.push(`${fieldId}: ${reason}`),
      },
    });
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

  it('adds a field with its area from the boundary and the soil and root depth from the tables', async () => {
    const res = await call('manager-a', 'POST', '/v1/coops/coop-a/fields', {
      ...PLOT,
      areaHa: 50, // not the client's to say: ignored
    });
    const expected: Field = {
      ...PLOT,
      coopId: 'coop-a',
      areaHa: expect.closeTo(1, 1) as number,
      // FAO-56 Table 19, loam; Table 22, maize's maximum rooting depth.
      soil: { texture: 'loam', fieldCapacity: 0.25, wiltingPoint: 0.12 },
      rootDepthM: 1.7,
      irrigationMethod: 'furrow',
    };
    expect(res).toEqual({
      status: 201,
      location: '/v1/fields/field-plot',
      body: { field: expected },
    });
    expect(await registry.fields.get('field-plot')).toEqual(expected);
    expect(stale).toEqual(['field-plot: field added']);
    // The existing per-field route reads it.
    expect((await call('farmer-1', 'GET', '/v1/fields/field-plot')).status).toBe(200);
  });

  it('refuses a bad boundary, a farmer of another cooperative, a taken id and the wrong roles', async () => {
    const bowTie = {
      type: 'Polygon',
      coordinates: [[at(0, 0), at(100, 100), at(100, 0), at(0, 100), at(0, 0)]],
    };
    const crossing = await call('manager-a', 'POST', '/v1/coops/coop-a/fields', {
      ...PLOT,
      id: 'f-x',
      boundary: bowTie,
    });
    expect(crossing.status).toBe(400);
    expect((crossing.body as { detail: string }).detail).toMatch(
      /^boundary: its rings cross themselves/,
    );
    const tiny = await call('manager-a', 'POST', '/v1/coops/coop-a/fields', {
      ...PLOT,
      id: 'f-x',
      boundary: rect(0, 0, 5, 5),
    });
    expect((tiny.body as { detail: string }).detail).toMatch(/is under 100 m²$/);
    const stranger = await call('manager-a', 'POST', '/v1/coops/coop-a/fields', {
      ...PLOT,
      id: 'f-x',
      farmerId: 'farmer-b',
    });
    expect(stranger.body).toEqual(
      problem('INVALID_REQUEST', 'no farmer farmer-b in this cooperative'),
    );
    // Field ids are one namespace: coop-b is told the id is taken, not whose it is.
    const taken = await call('manager-b', 'POST', '/v1/coops/coop-b/fields', {
      ...PLOT,
      farmerId: 'farmer-b',
    });
    expect(taken.body).toEqual(
      problem('CONFLICT', 'the field id field-plot is taken: choose another'),
    );
    expect(
      (await call('technician-a', 'POST', '/v1/coops/coop-a/fields', { ...PLOT, id: 'f-x' }))
        .status,
    ).toBe(403);
    expect(
      (await call('manager-b', 'POST', '/v1/coops/coop-a/fields', { ...PLOT, id: 'f-x' })).status,
    ).toBe(404);
    // Over the route's 192 KiB (a name padded out): refused before it is parsed.
    const huge = await call('manager-a', 'POST', '/v1/coops/coop-a/fields', {
      ...PLOT,
      id: 'f-x',
      name: 'x'.repeat(200 * 1024),
    });
    expect(huge.body).toEqual(problem('INVALID_REQUEST', `body larger than ${192 * 1024} bytes`));
    expect(await registry.fields.get('f-x')).toBeUndefined();
  });

  it('lists the fields to staff and technicians a page at a time, to a farmer only their own', async () => {
    await call('agronomist-a', 'POST', '/v1/coops/coop-a/fields', {
      ...PLOT,
      id: 'field-upper',
      farmerId: 'farmer-2',
      boundary: rect(0, 200, 100, 300),
    });
    const ids = (r: { body: unknown }) => (r.body as { fields: Field[] }).fields.map((f) => f.id);
    const first = await call('technician-a', 'GET', '/v1/coops/coop-a/fields?limit=1');
    expect(ids(first)).toEqual(['field-plot']);
    const cursor = (first.body as { next: string }).next;
    const second = await call(
      'technician-a',
      'GET',
      `/v1/coops/coop-a/fields?limit=1&cursor=${cursor}`,
    );
    expect([ids(second), (second.body as { next: unknown }).next]).toEqual([['field-upper'], null]);
    expect(ids(await call('farmer-2', 'GET', '/v1/coops/coop-a/fields'))).toEqual(['field-upper']);
    expect(await call('manager-b', 'GET', '/v1/coops/coop-a/fields')).toEqual({
      status: 404,
      location: null,
      body: problem('NOT_FOUND', 'no cooperative coop-a'),
    });
  });

  it('changes a field: a new boundary gives a new area; another cooperative’s field is 404', async () => {
    const res = await call('agronomist-a', 'PATCH', '/v1/coops/coop-a/fields/field-plot', {
      boundary: rect(0, 0, 200, 100),
      crop: 'sorghum',
      soil: { texture: 'clay', fieldCapacity: 0.4, wiltingPoint: 0.2 },
    });
    expect(res.status).toBe(200);
    const field = (res.body as { field: Field }).field;
    expect(field).toEqual({
      ...(await registry.fields.get('field-plot')),
      areaHa: expect.closeTo(2, 1) as number,
      crop: 'sorghum',
      soil: { texture: 'clay', fieldCapacity: 0.4, wiltingPoint: 0.2 },
      rootDepthM: 1.7,
    });
    await registry.fields.upsert({
      ...field,
      id: 'field-b',
      coopId: 'coop-b',
      farmerId: 'farmer-b',
    });
    const other = await call('manager-a', 'PATCH', '/v1/coops/coop-a/fields/field-b', {
      name: 'Mine',
    });
    expect(other.body).toEqual(problem('NOT_FOUND', 'no field field-b in cooperative coop-a'));
    expect((await registry.fields.get('field-b'))?.name).toBe('Lower plot');
  });

  it('replaces zones inside the field, refusing one outside, overlaps, and zones devices stand in', async () => {
    const path = '/v1/coops/coop-a/fields/field-plot/zones';
    const zones = [
      { id: 'z-west', boundary: rect(0, 0, 100, 100), soil: { texture: 'sand' } },
      { id: 'z-east', name: 'East', boundary: rect(100, 0, 200, 100), rootDepthM: 1 },
    ];
    const res = await call('manager-a', 'PUT', path, { zones });
    expect(res.status).toBe(200);
    expect((res.body as { field: Field }).field.zones).toEqual([
      {
        id: 'z-west',
        boundary: zones[0]!.boundary,
        areaHa: expect.closeTo(1, 1) as number,
        soil: { texture: 'sand', fieldCapacity: 0.1, wiltingPoint: 0.04 },
      },
      {
        id: 'z-east',
        name: 'East',
        boundary: zones[1]!.boundary,
        areaHa: expect.closeTo(1, 1) as number,
        rootDepthM: 1,
      },
    ]);
    const outside = await call('manager-a', 'PUT', path, {
      zones: [{ id: 'z-far', boundary: rect(0, 0, 300, 100) }],
    });
    expect(outside.body).toEqual(
      problem('INVALID_REQUEST', 'zone z-far: it lies outside the field boundary'),
    );
    const over = await call('manager-a', 'PUT', path, {
      zones: [zones[0], { id: 'z-mid', boundary: rect(50, 0, 200, 100) }],
    });
    expect(over.body).toEqual(problem('INVALID_REQUEST', 'zones: zones z-west and z-mid overlap'));
    // A boundary that would leave a zone outside is refused.
    const shrink = await call('manager-a', 'PATCH', '/v1/coops/coop-a/fields/field-plot', {
      boundary: rect(0, 0, 100, 100),
    });
    expect(shrink.body).toEqual(
      problem('INVALID_REQUEST', 'zone z-east: it lies outside the field boundary'),
    );
    await registry.devices.upsert({
      id: 'probe-east',
      coopId: 'coop-a',
      fieldId: 'field-plot',
      zoneId: 'z-east',
      kind: 'soil-probe',
      secretHash: 'sha256$x',
    });
    const stranded = await call('manager-a', 'PUT', path, { zones: [zones[0]] });
    expect(stranded.body).toEqual(
      problem('CONFLICT', 'devices probe-east stand in zones that would go: move them first'),
    );
    expect((await registry.fields.get('field-plot'))?.zones?.map((z) => z.id)).toEqual([
      'z-west',
      'z-east',
    ]);
    expect(
      (await call('manager-b', 'PUT', '/v1/coops/coop-a/fields/field-plot/zones', { zones: [] }))
        .status,
    ).toBe(404);
  });
});
