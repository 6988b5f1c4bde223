import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ROLES, type Principal, type Role } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import type { Shamba } from '@shamba/cli';
import { seedToken, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';

/**
 * The tenancy matrix (issue 13): every role of cooperative A, against its own cooperative and
 * against cooperative B, on every route and verb that names a field, a cooperative, a scene or a
 * model version. No cell of A acting on B may succeed; lists never show B's things to A. Admins
 * (no cooperative) may act everywhere. The whole matrix is printed.
 */

const A = 'coop-a';
const B = 'coop-b';
const HISTORY_HEADER =
  'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0';
const HISTORY_CSV = `${HISTORY_HEADER}\n2025-meher,FIELD,maize,4.1,60,78,300,12,0.8,0.8,0.6,0.9`;
const FORECAST = JSON.stringify({
  source: 'NMA Ethiopia',
  issuedAt: '2026-11-30T06:00:00Z',
  days: [{ date: '2026-12-01', rainMm: 2, et0Mm: 5 }],
});

interface Target {
  coop: string;
  field: string;
  scene: string;
  model: string;
}

interface Cell {
  method: 'GET' | 'POST' | 'PUT';
  path: (t: Target) => string;
  body?: (t: Target) => string;
  type?: string;
  /** The status each role gets on its own cooperative (admin: on A). */
  own: Record<Role, number>;
}

/** Every role the same status on its own cooperative. */
const all = (status: number): Record<Role, number> => ({
  admin: status,
  manager: status,
  agronomist: status,
  farmer: status,
  technician: status,
});
/** Cooperative staff get `status`; farmers and technicians are refused. */
const staff = (status: number): Record<Role, number> => ({
  ...all(403),
  admin: status,
  manager: status,
  agronomist: status,
});
/** Only agronomists (and admins) may: tuning, models, zones. */
const agronomists = (status: number): Record<Role, number> => ({
  ...all(403),
  admin: status,
  agronomist: status,
});

const CELLS: Cell[] = [
  { method: 'GET', path: (t) => `/v1/fields/${t.field}`, own: all(200) },
  { method: 'GET', path: (t) => `/v1/fields/${t.field}/readings`, own: all(200) },
  { method: 'GET', path: (t) => `/v1/fields/${t.field}/indices`, own: all(200) },
  // The cooperative's own scene is found (its item is not a real file here: 422, not 404).
  { method: 'GET', path: (t) => `/v1/fields/${t.field}/ndvi.png?scene=${t.scene}`, own: all(422) },
  {
    method: 'POST',
    path: (t) => `/v1/fields/${t.field}/zones/delineate`,
    body: () => '{}',
    own: agronomists(200),
  },
  // No prescription has been computed yet.
  { method: 'GET', path: (t) => `/v1/fields/${t.field}/prescriptions/latest`, own: all(404) },
  {
    method: 'GET',
    path: (t) => `/v1/fields/${t.field}/prescriptions/latest?kind=nitrogen`,
    own: all(404),
  },
  // The newest of each kind: none yet, an empty set.
  { method: 'GET', path: (t) => `/v1/fields/${t.field}/prescriptions`, own: all(200) },
  // One version by id: none made yet.
  {
    method: 'GET',
    path: (t) => `/v1/fields/${t.field}/prescriptions/${t.field}:irrigation:none`,
    own: all(404),
  },
  // Staff record fertiliser; the field's farmer reads it; technicians do neither.
  {
    method: 'GET',
    path: (t) => `/v1/fields/${t.field}/fertiliser-applications`,
    own: { ...staff(200), farmer: 200 },
  },
  {
    method: 'POST',
    path: (t) => `/v1/fields/${t.field}/fertiliser-applications`,
    body: () =>
      JSON.stringify({ date: '2026-01-15', product: 'urea', amount: 50, unit: 'kg-product-ha' }),
    own: staff(201),
  },
  { method: 'GET', path: (t) => `/v1/fields/${t.field}/forecast`, own: all(200) },
  { method: 'GET', path: (t) => `/v1/coops/${t.coop}/ndvi.png`, own: staff(422) },
  { method: 'GET', path: (t) => `/v1/coops/${t.coop}/production`, own: staff(200) },
  {
    method: 'GET',
    path: (t) => `/v1/coops/${t.coop}/season-features.csv?season=2026-meher`,
    own: staff(200),
  },
  { method: 'GET', path: (t) => `/v1/coops/${t.coop}/parameter-sets`, own: staff(200) },
  {
    method: 'POST',
    path: (t) => `/v1/coops/${t.coop}/parameter-sets`,
    body: () => JSON.stringify({ note: 'matrix', crops: { maize: { depletionFraction: 0.4 } } }),
    own: agronomists(201),
  },
  // Asked before any forecast was put.
  { method: 'GET', path: (t) => `/v1/coops/${t.coop}/weather-forecast`, own: staff(404) },
  {
    method: 'PUT',
    path: (t) => `/v1/coops/${t.coop}/weather-forecast`,
    body: () => FORECAST,
    own: staff(200),
  },
  { method: 'GET', path: (t) => `/v1/coops/${t.coop}/yield-history`, own: staff(200) },
  {
    method: 'POST',
    path: (t) => `/v1/coops/${t.coop}/yield-history`,
    body: (t) => HISTORY_CSV.replace('FIELD', t.field),
    type: 'text/csv',
    own: staff(201),
  },
  {
    method: 'POST',
    path: () => '/v1/models/yield/train',
    // Tiny settings: the cell is about who may train for whom, not the model.
    body: (t) => JSON.stringify({ coopId: t.coop, seasons: 4, epochs: 1, hiddenUnits: 2 }),
    own: agronomists(201),
  },
  // An admin's promotion acts on the shared models unless it names a cooperative (?coopId=).
  {
    method: 'POST',
    path: (t) => `/v1/models/yield/${t.model}/promote`,
    own: { ...agronomists(200), admin: 404 },
  },
];

/** Routes that list things: for A's roles, nothing of B's may appear in the body. */
const LISTS = [
  '/v1/fields',
  '/v1/scenes',
  '/v1/scenes/quarantine',
  '/v1/models/yield',
  '/v1/dead-letters',
];

describe('tenancy matrix: every role x own and other cooperative x every route', () => {
  const dir = tempDir();
  let shamba: Shamba;
  const tokens = new Map<string, string>();
  const targets: Record<string, Target> = {};

  const call = async (token: string, cell: Cell, target: Target) => {
    const response = await fetch(`${shamba.api.url}${cell.path(target)}`, {
      method: cell.method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': cell.type ?? 'application/json',
      },
      ...(cell.body === undefined ? {} : { body: cell.body(target) }),
    });
    await response.arrayBuffer();
    return response.status;
  };

  /** What B owns, as its own staff sees it: compared before and after A's attempts. */
  const snapshotB = async () => {
    const r = shamba.registry;
    return JSON.stringify({
      parameterSets: await r.parameterSets.list(B),
      forecast: await r.weatherForecasts.latest(B),
      history: await r.yieldHistory.list(B),
      field: await r.fields.get('field-b'),
      fertiliser: await r.fertiliserApplications.list('field-b'),
      scenes: await r.scenes.list({ visibleTo: B }),
      letters: await r.deadLetters.list({ coopId: B }),
      models: await (
        await fetch(`${shamba.api.url}/v1/models/yield`, {
          headers: { authorization: `Bearer ${tokens.get(`agronomist@${B}`)!}` },
        })
      ).text(),
    });
  };

  beforeAll(async () => {
    shamba = await startShamba(dir.path, { logger: pino({ level: 'silent' }) });
    const r = shamba.registry;
    for (const coop of [A, B]) {
      const farmer = `farmer-${coop}`;
      await r.coops.upsert({
        id: coop,
        name: coop,
        countryCode: 'ET',
        timezone: 'Africa/Addis_Ababa',
      });
      await r.farmers.upsert({
        id: farmer,
        coopId: coop,
        name: 'F',
        phone: '+251911000001',
        language: 'om',
      });
      const field = `field-${coop.slice(-1)}`;
      await r.fields.upsert(fieldFixture({ id: field, coopId: coop, farmerId: farmer }));
      for (const role of ROLES) {
        if (role === 'admin') continue;
        const principal: Principal = {
          role,
          coopId: coop,
          farmerId: role === 'farmer' ? farmer : null,
          name: `${role} of ${coop}`,
        };
        tokens.set(`${role}@${coop}`, await seedToken(r, principal));
      }
      // Each cooperative's own scene, dead letter and quarantined upload.
      const sceneId = `S2-${coop}`;
      await r.scenes.add(
        {
          id: sceneId,
          ownerCoopId: coop,
          acquiredMs: Date.parse('2026-11-20'),
          itemPath: 'x',
          cloudCoverPct: 0,
          processedMs: 0,
        },
        [],
      );
      await r.scenes.quarantine({
        path: 'q',
        name: `${coop}.json`,
        ownerCoopId: coop,
        code: 'RASTER_INVALID',
        reason: 'r',
        atMs: 1,
      });
      await r.deadLetters.add({
        receivedMs: 1,
        deviceId: `probe-${coop}`,
        coopId: coop,
        topic: `shamba/v1/${coop}/probe-${coop}/up/soil`,
        code: 'INVALID_PAYLOAD',
        reason: 'r',
        payload: Uint8Array.of(1),
      });
      targets[coop] = { coop, field, scene: sceneId, model: '' };
    }
    tokens.set(
      'admin',
      await seedToken(r, { role: 'admin', coopId: null, farmerId: null, name: 'admin' }),
    );
    // Each cooperative's agronomist trains a version of its own.
    for (const coop of [A, B]) {
      const response = await fetch(`${shamba.api.url}/v1/models/yield/train`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.get(`agronomist@${coop}`)!}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ seasons: 4, epochs: 1, hiddenUnits: 2 }),
      });
      expect(response.status).toBe(201);
      targets[coop]!.model = ((await response.json()) as { version: string }).version;
    }
  }, 180_000);
  afterAll(async () => {
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  it(
    'lets no role of one cooperative succeed on another cooperative, and lists nothing of it',
    { timeout: 300_000 },
    async () => {
      const before = await snapshotB();
      const rows: string[] = [];
      const crossTenantSuccesses: string[] = [];
      const ownMismatches: string[] = [];
      const roles: Role[] = ['admin', ...ROLES.filter((r) => r !== 'admin')];
      for (const cell of CELLS) {
        const label = `${cell.method} ${cell.path({ coop: '{coop}', field: '{field}', scene: '{scene}', model: '{model}' })}`;
        const statuses: string[] = [];
        for (const role of roles) {
          const token = role === 'admin' ? tokens.get('admin')! : tokens.get(`${role}@${A}`)!;
          const own = await call(token, cell, targets[A]!);
          const other = role === 'admin' ? own : await call(token, cell, targets[B]!);
          statuses.push(`${role} ${own}/${role === 'admin' ? '-' : other}`);
          if (own !== cell.own[role])
            ownMismatches.push(`${label} as ${role}: ${own}, expected ${cell.own[role]}`);
          if (role !== 'admin' && other < 400)
            crossTenantSuccesses.push(`${label} as ${role}: ${other}`);
        }
        rows.push(`${label.padEnd(62)} ${statuses.join('  ')}`);
      }
      // An own field's image from the other cooperative's scene: not visible, so not found.
      const foreignScene = await call(
        tokens.get(`manager@${A}`)!,
        { method: 'GET', path: () => `/v1/fields/field-a/ndvi.png?scene=S2-${B}`, own: all(404) },
        targets[A]!,
      );
      rows.push(
        `${'GET /v1/fields/{own field}/ndvi.png?scene={other coop scene}'.padEnd(62)} manager ${foreignScene}`,
      );
      if (foreignScene !== 404)
        crossTenantSuccesses.push(`own field with B's scene: ${foreignScene}, expected 404`);

      for (const list of LISTS) {
        const seen: string[] = [];
        for (const role of roles.filter((r) => r !== 'admin')) {
          const response = await fetch(`${shamba.api.url}${list}`, {
            headers: { authorization: `Bearer ${tokens.get(`${role}@${A}`)!}` },
          });
          const text = await response.text();
          seen.push(`${role} ${response.status}`);
          // Not B's model version: versions are stamped to the second per owner, so a model A
          // or the admin trains in the same second has the same name. B's id marks B's model
          // (every listed version names its owner).
          for (const mark of [B, 'field-b'])
            if (text.includes(mark)) crossTenantSuccesses.push(`${list} as ${role} shows ${mark}`);
        }
        rows.push(`${`GET ${list} (B's things in the body?)`.padEnd(62)} ${seen.join('  ')}`);
      }
      console.log(
        `tenancy matrix: status own/other cooperative per role (A's roles acting; admin on A)\n${rows.join('\n')}`,
      );
      expect(crossTenantSuccesses).toEqual([]);
      expect(ownMismatches).toEqual([]);
      // Nothing of B's changed under A's attempts.
      expect(await snapshotB()).toEqual(before);
    },
  );
});
