import { unzipSync } from 'fflate';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrescriptionService, createWorkerPool } from '@shamba/analytics';
import { createApp } from '@shamba/api';
import type { Field, IrrigationPrescription, Prescription } from '@shamba/schemas';
import {
  coopFixture,
  fieldFixture,
  stationReadings,
  weatherStationFixture,
} from '@shamba/schemas/testing';
import { tokenDigest, type Registry } from '@shamba/storage';
import { openTempStores, type TempStores } from '@shamba/storage/testing';

// Issue 18, "Prescription files for machines": a prescription the service computed, served as
// GeoJSON, a zipped shapefile and ISOXML through the real app, with tenancy and ETags.

const EAT = 180; // Africa/Addis_Ababa, UTC+3

const rect = (west: number, east: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [west, 7.93],
      [east, 7.93],
      [east, 7.931],
      [west, 7.931],
      [west, 7.93],
    ] as [number, number][],
  ],
});

const FIELD: Field = fieldFixture({
  areaHa: 2.4,
  boundary: rect(38.72, 38.722),
  zones: [
    { id: 'zone-a', name: 'West', boundary: rect(38.72, 38.721), areaHa: 1.2 },
    { id: 'zone-b', name: 'East', boundary: rect(38.721, 38.722), areaHa: 1.2 },
  ],
});

const TOKENS = [
  ['agronomist-a', 'agronomist', 'coop-a', null],
  ['agronomist-b', 'agronomist', 'coop-b', null],
  ['owner', 'farmer', 'coop-a', 'farmer-1'],
  ['neighbour', 'farmer', 'coop-a', 'farmer-2'],
] as const;

async function seed(registry: Registry, stores: TempStores): Promise<Prescription[]> {
  await registry.coops.upsert(coopFixture());
  await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
  await registry.devices.upsert(weatherStationFixture());
  await registry.fields.upsert(FIELD);
  await registry.fields.upsert(
    fieldFixture({ id: 'field-2', boundary: rect(38.73, 38.731), areaHa: 1.2 }),
  );
  const readings = stationReadings(['2026-08-10', '2026-08-11'], {
    coopId: 'coop-a',
    utcOffsetMinutes: EAT,
  });
  await stores.store.write(readings);
  await using pool = await createWorkerPool({ size: 0 });
  await using service = createPrescriptionService({
    registry,
    store: stores.store,
    pool,
    logger: pino({ level: 'silent' }),
    clock: () => readings.at(-1)!.timeMs,
  });
  return service.runOnce();
}

describe('GET /v1/fields/{id}/prescriptions/.../files/{format}', () => {
  let stores: TempStores;
  let app: ReturnType<typeof createApp>;
  let prescriptions: Prescription[];

  beforeAll(async () => {
    stores = await openTempStores('shamba-rx-files-');
    for (const [token, role, coopId, farmerId] of TOKENS)
      await stores.registry.tokens.add(
        tokenDigest(token),
        { role, coopId, farmerId, name: token },
        { createdMs: 0, expiresMs: null },
      );
    prescriptions = (await seed(stores.registry, stores)).filter((p) => p.fieldId === FIELD.id);
    app = createApp({ registry: stores.registry, store: stores.store, health: async () => ({}) });
  });
  afterAll(async () => {
    await stores.close();
  });

  const get = (path: string, token = 'agronomist-a', headers: Record<string, string> = {}) =>
    app.request(`/v1/fields/${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  /** An id as the file names carry it: [A-Za-z0-9._-] only. */
  const safe = (id: string) => id.replace(/[^A-Za-z0-9._-]/g, '_');

  const irrigation = () =>
    prescriptions.find((p): p is IrrigationPrescription => p.kind === 'irrigation')!;

  it('serves each format of the latest and of one version, the same bytes, with name and tag', async () => {
    expect(prescriptions.map((p) => p.kind).sort()).toEqual(['irrigation', 'nitrogen']);
    const rx = irrigation();
    const expected = {
      geojson: ['application/geo+json', `field-1-irrigation-${safe(rx.id)}.geojson`],
      shapefile: ['application/zip', `field-1-irrigation-${safe(rx.id)}-shapefile.zip`],
      isoxml: ['application/zip', `field-1-irrigation-${safe(rx.id)}-isoxml.zip`],
    };
    for (const [format, [type, name]] of Object.entries(expected)) {
      const latest = await get(`field-1/prescriptions/latest/files/${format}?kind=irrigation`);
      const byId = await get(`field-1/prescriptions/${rx.id}/files/${format}`);
      for (const response of [latest, byId]) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(type);
        expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
        expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
      }
      expect(latest.headers.get('etag')).toBe(byId.headers.get('etag'));
      expect(Buffer.from(await latest.arrayBuffer())).toEqual(
        Buffer.from(await byId.arrayBuffer()),
      );
    }
  });

  it('writes the zones with the rates the prescription computed', async () => {
    const rx = irrigation();
    const features = async (id: string) =>
      (
        (await (await get(`field-1/prescriptions/${id}/files/geojson`)).json()) as {
          features: { properties: Record<string, unknown> }[];
        }
      ).features.map((f) => f.properties);
    // No soil readings here: irrigation has no data, so every zone is 0 and says why.
    expect((await features(rx.id)).map((p) => [p['zoneId'], p['rate_mm'], p['status']])).toEqual(
      rx.zones!.map((z) => [z.zoneId, 0, 'insufficient-data']),
    );
    // Nitrogen from the crop's N budget: the product's kg/ha where one is named.
    const n = prescriptions.find((p) => p.kind === 'nitrogen')!;
    if (n.kind !== 'nitrogen') throw new Error('no nitrogen prescription');
    const expected = n.zones.map((z) => {
      const product = 'products' in z ? z.products[0] : undefined;
      return product === undefined
        ? [z.zoneId, 'rate_kg_n_ha', 'nKgHa' in z ? z.nKgHa : 0]
        : [z.zoneId, 'rate_kg_ha', product.kgPerHa];
    });
    expect(expected.map((e) => e[2])).not.toContain(0);
    expect(
      (await features(n.id)).map((p) => {
        const key = 'rate_kg_ha' in p ? 'rate_kg_ha' : 'rate_kg_n_ha';
        return [p['zoneId'], key, p[key]];
      }),
    ).toEqual(expected);
    const shapefile = unzipSync(
      new Uint8Array(
        await (await get(`field-1/prescriptions/${rx.id}/files/shapefile`)).arrayBuffer(),
      ),
    );
    expect(Object.keys(shapefile).sort()).toEqual(
      ['cpg', 'dbf', 'prj', 'shp', 'shx'].map((ext) => `field-1-irrigation-${safe(rx.id)}.${ext}`),
    );
    const isoxml = unzipSync(
      new Uint8Array(
        await (await get(`field-1/prescriptions/${rx.id}/files/isoxml`)).arrayBuffer(),
      ),
    );
    expect(Object.keys(isoxml).sort()).toEqual(['TASKDATA/GRD00001.BIN', 'TASKDATA/TASKDATA.XML']);
    // TSK B, a designator: 32 characters at most (ISO 11783-10 TSK B).
    expect(new TextDecoder().decode(isoxml['TASKDATA/TASKDATA.XML'])).toContain(
      `<TSK A="TSK1" B="${`irrigation ${rx.id}`.slice(0, 32)}"`,
    );
  });

  it('serves the newest of either kind without `kind`', async () => {
    const newest = [...prescriptions].sort((a, b) => b.createdAtMs - a.createdAtMs)[0]!;
    const response = await get('field-1/prescriptions/latest/files/geojson');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="field-1-${newest.kind}-${safe(newest.id)}.geojson"`,
    );
  });

  it('answers 304 with the tag and no body when If-None-Match has these bytes', async () => {
    for (const format of ['geojson', 'shapefile', 'isoxml']) {
      const path = `field-1/prescriptions/latest/files/${format}?kind=nitrogen`;
      const etag = (await get(path)).headers.get('etag')!;
      const again = await get(path, 'agronomist-a', { 'if-none-match': `"other", ${etag}` });
      expect([again.status, again.headers.get('etag'), await again.text()]).toEqual([
        304,
        etag,
        '',
      ]);
      const stale = await get(path, 'agronomist-a', { 'if-none-match': '"other"' });
      expect(stale.status).toBe(200);
    }
  });

  it('lets the field’s farmer have it, and answers 404 to anyone else as for a missing one', async () => {
    const rx = irrigation();
    expect((await get(`field-1/prescriptions/${rx.id}/files/isoxml`, 'owner')).status).toBe(200);
    const missing = await get('field-1/prescriptions/no-such-rx/files/geojson');
    const notFound = async (path: string, token: string) => {
      const response = await get(path, token);
      return [response.status, ((await response.json()) as { code?: string }).code];
    };
    const expected = [404, 'NOT_FOUND'];
    expect([missing.status, ((await missing.json()) as { code?: string }).code]).toEqual(expected);
    for (const token of ['neighbour', 'agronomist-b'])
      for (const format of ['geojson', 'shapefile', 'isoxml']) {
        expect(await notFound(`field-1/prescriptions/${rx.id}/files/${format}`, token)).toEqual(
          expected,
        );
        expect(await notFound(`field-1/prescriptions/latest/files/${format}`, token)).toEqual(
          expected,
        );
      }
    // A version of another field, asked for under this one.
    const other = prescriptions.find((p) => p.fieldId !== 'field-1');
    if (other !== undefined)
      expect(
        await notFound(`field-1/prescriptions/${other.id}/files/geojson`, 'agronomist-a'),
      ).toEqual(expected);
    expect(await notFound(`field-2/prescriptions/${rx.id}/files/geojson`, 'agronomist-a')).toEqual(
      expected,
    );
  });

  it('refuses a format or kind it does not know', async () => {
    const bad = await get('field-1/prescriptions/latest/files/kml');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'INVALID_REQUEST',
      detail: 'format must be one of geojson, shapefile, isoxml',
    });
    const kind = await get('field-1/prescriptions/latest/files/geojson?kind=bogus');
    expect(kind.status).toBe(400);
  });
});
