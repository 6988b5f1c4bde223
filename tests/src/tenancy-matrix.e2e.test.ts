import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ROLES, type Principal, type Role } from '@shamba/schemas';
import { fieldFixture } from '@shamba/schemas/testing';
import type { Shamba } from '@shamba/cli';
import { startShamba } from './support/seed.js';
import { CELLS, fill, labelOf, LISTS, objectParams, type Cell } from './support/tenancy-cells.js';
import {
  addToken,
  irrigationPrescription,
  makeFresh,
  type Target,
} from './support/tenancy-seed.js';
import { tempDir } from './support/temp-dir.js';

/**
 * The tenancy matrix (issues 13 and 18): every role of cooperative A, against its own cooperative,
 * against cooperative B, and against A's object holding B's (A's cooperative with B's farmer, A's
 * field with B's prescription), on every route and verb of the OpenAPI document that names a
 * cooperative's object (cells: support/tenancy-cells.ts). No cell of A acting on B may succeed;
 * lists never show B's things to A; nothing of B's changes. Admins (no cooperative) act on A.
 * The whole matrix is printed.
 */

const A = 'coop-a';
const B = 'coop-b';
/** The path parameters that name a cooperative's object: a route with one must be a cell. */
const OBJECT_PARAMS = [
  'coopId',
  'fieldId',
  'deviceId',
  'farmerId',
  'tokenId',
  'jobId',
  'prescriptionId',
];
/** A path item's operations (OpenAPI 3.1 §4.8.9); its other keys are not routes. */
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ROLE_ORDER: Role[] = ['admin', ...ROLES.filter((r) => r !== 'admin')];

describe('tenancy matrix: every role x own and other cooperative x every route', () => {
  const dir = tempDir();
  let shamba: Shamba;
  const tokens = new Map<string, string>();
  const targets: Record<string, Target> = {};
  let calls = 0;

  const request = (token: string, method: string, path: string, init: RequestInit = {}) =>
    fetch(`${shamba.api.url}${path}`, {
      method,
      ...init,
      headers: { authorization: `Bearer ${token}`, ...init.headers },
    });

  /** The status of one call; a stream is aborted once its status is known. */
  const call = async (token: string, cell: Cell, target: Target) => {
    const t = { ...target, n: `${target.coopId.slice(-1)}${++calls}` };
    const abort = new AbortController();
    const body =
      cell.csv?.(t) ?? (cell.body === undefined ? undefined : JSON.stringify(cell.body(t)));
    const query = cell.query === undefined ? '' : `?${fill(cell.query, t)}`;
    const response = await request(token, cell.method, `${fill(cell.path, t)}${query}`, {
      signal: abort.signal,
      headers: { 'content-type': cell.csv === undefined ? 'application/json' : 'text/csv' },
      ...(body === undefined ? {} : { body }),
    });
    if (cell.stream === true && response.status === 200) abort.abort();
    else await response.arrayBuffer();
    return response.status;
  };

  /** A training job of `coopId`'s agronomist, followed until it finishes: its id and version. */
  const train = async (token: string, coopId: string) => {
    const response = await request(token, 'POST', '/v1/models/yield/train', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ coopId, seasons: 4, epochs: 1, hiddenUnits: 2 }),
    });
    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: { id: string } };
    for (;;) {
      const state = (await (await request(token, 'GET', `/v1/jobs/${job.id}`)).json()) as {
        state: string;
        result: { version: string } | null;
      };
      if (state.state !== 'running') {
        expect(state.state).toBe('succeeded');
        return { jobId: job.id, version: state.result!.version };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  /** What B owns, as the registry has it: compared before and after A's attempts. */
  const snapshotB = async () => {
    const r = shamba.registry;
    return {
      coop: await r.coops.get(B),
      farmers: await r.farmers.list(B),
      fields: await r.fields.list({ coopId: B }),
      devices: await r.devices.list({ coopId: B }),
      tokens: await r.tokens.list({ coopId: B }),
      parameterSets: await r.parameterSets.list(B),
      forecast: await r.weatherForecasts.latest(B),
      history: await r.yieldHistory.list(B),
      fertiliser: await r.fertiliserApplications.list('field-b'),
      prescriptions: await r.prescriptions.latestByKind('field-b'),
      scenes: await r.scenes.list({ visibleTo: B }),
      letters: await r.deadLetters.list({ coopId: B }),
      models: await (
        await request(tokens.get(`agronomist@${B}`)!, 'GET', '/v1/models/yield')
      ).text(),
    };
  };

  beforeAll(async () => {
    shamba = await startShamba(dir.path, { logger: pino({ level: 'silent' }) });
    const r = shamba.registry;
    for (const coop of [A, B]) {
      const farmer = `farmer-${coop}`;
      const field = `field-${coop.slice(-1)}`;
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
      await r.fields.upsert(fieldFixture({ id: field, coopId: coop, farmerId: farmer }));
      for (const role of ROLES) {
        if (role === 'admin') continue;
        const principal: Principal = {
          role,
          coopId: coop,
          farmerId: role === 'farmer' ? farmer : null,
          name: `${role} of ${coop}`,
        };
        tokens.set(`${role}@${coop}`, (await addToken(r, principal)).token);
      }
      // Each cooperative's own scene, dead letter, quarantined upload, prescription and token.
      const scene = `S2-${coop}`;
      const scenePart = { acquiredMs: Date.parse('2026-11-20'), itemPath: 'x', cloudCoverPct: 0 };
      await r.scenes.add({ id: scene, ownerCoopId: coop, ...scenePart, processedMs: 0 }, []);
      const quarantined = { path: 'q', name: `${coop}.json`, code: 'RASTER_INVALID' as const };
      await r.scenes.quarantine({ ...quarantined, ownerCoopId: coop, reason: 'r', atMs: 1 });
      await r.deadLetters.add({
        receivedMs: 1,
        deviceId: `probe-${coop}`,
        coopId: coop,
        topic: `shamba/v1/${coop}/probe-${coop}/up/soil`,
        code: 'INVALID_PAYLOAD',
        reason: 'r',
        payload: Uint8Array.of(1),
      });
      const prescriptionId = `rx-${coop}`;
      await r.prescriptions.add(
        irrigationPrescription(prescriptionId, { id: field, coopId: coop }),
      );
      const spare = { role: 'technician', coopId: coop, farmerId: null, name: 'spare' } as const;
      const base = {
        coopId: coop,
        fieldId: field,
        farmerId: farmer,
        tokenId: (await addToken(r, spare)).id,
        prescriptionId,
        scene,
        historyField: field,
        format: 'geojson',
        jobId: '',
        version: '',
        n: '',
      };
      // Its shared device: made as a fresh one is.
      targets[coop] = await makeFresh(r, { ...base, deviceId: '' }, ['device']);
    }
    tokens.set(
      'admin',
      (await addToken(r, { role: 'admin', coopId: null, farmerId: null, name: 'admin' })).token,
    );
    // Each cooperative's agronomist trains a version of its own: its job and its version.
    for (const coop of [A, B])
      Object.assign(targets[coop]!, await train(tokens.get(`agronomist@${coop}`)!, coop));
  }, 180_000);
  afterAll(async () => {
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  it(
    'lets no role of one cooperative succeed on another cooperative, and lists nothing of it',
    { timeout: 300_000 },
    async () => {
      const r = shamba.registry;
      const tokenOf = (role: Role) =>
        role === 'admin' ? tokens.get('admin')! : tokens.get(`${role}@${A}`)!;
      // Every call's objects, made before B is photographed (fresh ones for mutating cells).
      const plans = [];
      for (const cell of CELLS) {
        const params = objectParams(cell.path);
        const mixes = cell.mixed !== undefined || params.length > 1;
        for (const role of ROLE_ORDER) {
          const make = (coop: string) => makeFresh(r, targets[coop]!, cell.fresh ?? []);
          const own = await make(A);
          const other = role === 'admin' ? undefined : await make(B);
          const fromA = cell.mixFromA ?? [(params[0] ?? 'coopId') as keyof Target];
          const mixed = mixes
            ? { ...(await make(B)), ...Object.fromEntries(fromA.map((key) => [key, own[key]])) }
            : undefined;
          plans.push({ cell, role, own, other, mixed });
        }
      }
      const before = await snapshotB();
      const rows = new Map<Cell, string[]>();
      const crossTenantSuccesses: string[] = [];
      const mismatches: string[] = [];
      for (const { cell, role, own, other, mixed } of plans) {
        const label = labelOf(cell);
        const expectOther = cell.other?.[role] ?? (cell.own[role] === 403 ? 403 : 404);
        const expectMixed = cell.own[role] === 403 ? 403 : (cell.mixed ?? 404);
        const seen = [await call(tokenOf(role), cell, own)];
        const check = (what: string, status: number, expected: number) => {
          if (what !== 'own' && status < 400)
            crossTenantSuccesses.push(`${label} as ${role} on ${what}: ${status}`);
          if (status !== expected)
            mismatches.push(`${label} as ${role} on ${what}: ${status}, expected ${expected}`);
        };
        check('own', seen[0]!, cell.own[role]);
        if (other !== undefined) {
          seen.push(await call(tokenOf(role), cell, other));
          check('other', seen.at(-1)!, expectOther);
        } else seen.push(NaN);
        if (mixed !== undefined) {
          seen.push(await call(tokenOf(role), cell, mixed));
          check('mixed', seen.at(-1)!, expectMixed);
        }
        const entry = `${role} ${seen.map((s) => (Number.isNaN(s) ? '-' : s)).join('/')}`;
        rows.set(cell, [...(rows.get(cell) ?? [label.padEnd(72)]), entry]);
      }
      // An own field's image from the other cooperative's scene: not visible, so not found.
      const foreignScene = await request(
        tokenOf('manager'),
        'GET',
        `/v1/fields/field-a/ndvi.png?scene=S2-${B}`,
      );
      const printed = [...rows.values()].map((row) => row.join('  '));
      printed.push(
        `${'GET /v1/fields/{own field}/ndvi.png?scene={B scene}'.padEnd(72)}  manager ${foreignScene.status}`,
      );
      if (foreignScene.status !== 404)
        crossTenantSuccesses.push(`own field with B's scene: ${foreignScene.status}`);

      for (const list of LISTS) {
        const seen: string[] = [];
        for (const role of ROLE_ORDER.filter((role) => role !== 'admin')) {
          const response = await request(tokenOf(role), 'GET', list.path);
          const text = await response.text();
          seen.push(`${role} ${response.status}`);
          if (response.status !== list.own[role])
            mismatches.push(
              `GET ${list.path} as ${role}: ${response.status}, expected ${list.own[role]}`,
            );
          // Not B's model version: versions are stamped to the second per owner, so a model A
          // trains in the same second has the same name. B's ids mark B's things.
          for (const mark of [B, 'field-b', 'farmer-coop-b', `rx-${B}`])
            if (text.includes(mark))
              crossTenantSuccesses.push(`${list.path} as ${role} shows ${mark}`);
        }
        printed.push(
          `${`GET ${list.path} (B's things in the body?)`.padEnd(72)}  ${seen.join('  ')}`,
        );
      }
      console.log(
        "tenancy matrix: status own/other/mixed per role (A's roles; admin on A; mixed: the " +
          "path's first object A's, the rest B's, unless the row's note says otherwise)\n" +
          printed.join('\n'),
      );
      expect(crossTenantSuccesses).toEqual([]);
      expect(mismatches).toEqual([]);
      // Nothing of B's changed under A's attempts: B's farmers keep their phones, its devices
      // stay enabled with their secrets, its tokens unrevoked.
      const after = await snapshotB();
      expect(after).toEqual(before);
      expect(after.farmers.filter((f) => !/^\+\d+$/.test(f.phone))).toEqual([]);
      expect(after.devices.filter((d) => d.disabledMs != null).map((d) => d.id)).toEqual([]);
      expect(after.tokens.filter((t) => t.revokedMs !== null).map((t) => t.id)).toEqual([]);
    },
  );

  it('has a cell for every route of the OpenAPI document that names a cooperative object', async () => {
    const document = (await (await fetch(`${shamba.api.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const named = Object.entries(document.paths).flatMap(([path, item]) =>
      objectParams(path).some((p) => OBJECT_PARAMS.includes(p))
        ? Object.keys(item)
            .filter((key) => HTTP_METHODS.includes(key))
            .map((method) => `${method.toUpperCase()} ${path}`)
        : [],
    );
    const covered = new Set(CELLS.map((cell) => `${cell.method} ${cell.path}`));
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((route) => !covered.has(route))).toEqual([]);
  });
});
