import { DAY_MS } from '@shamba/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '@shamba/agronomy';
import type { FieldForecast } from '@shamba/analytics';
import type { Shamba } from '@shamba/cli';
import { fieldFixture } from '@shamba/schemas/testing';
import { COOP, seedCoop, seedStation, seedToken, startShamba } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';
import { followJob, problem } from '@shamba/api/testing';
import { postLarge as postLargeBody } from './support/post-large.js';

const EAT = 180;
const SOWN_DAYS_AGO = 40;
/** Cooperative A is the seeded test cooperative; B is the hostile one. */
const COOP_A = COOP;
const COOP_B = 'coop-hostile';
const HEADER =
  'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0';
/** Tiny training: seconds, not minutes (the model's quality is not what is tested here). */
const TINY = { seasons: 4, epochs: 8, hiddenUnits: 4 };

interface Listed {
  coopId: string | null;
  inUse: { version: string; owner: string | null } | null;
  versions: { version: string; owner: string | null; promoted: boolean }[];
}
interface Trained {
  version: string;
  owner: string | null;
  promoted: boolean;
  data: { history: number };
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);

// Issue 13 #4: cooperative B's agronomist uploads a poisoned yield history, trains and promotes
// a model; cooperative A's forecasts must not move. Models belong to a cooperative (or are
// shared, from an admin); promotion is per cooperative. #12: the train route has a body limit.
describe('yield models belong to a cooperative', () => {
  const dir = tempDir();
  let shamba: Shamba;
  const tokens: Record<'admin' | 'agronomistA' | 'agronomistB' | 'managerA', string> = {
    admin: '',
    agronomistA: '',
    agronomistB: '',
    managerA: '',
  };
  const today = localDate(Date.now(), EAT);
  const sowing = addDays(today, -SOWN_DAYS_AGO);

  const call = async <T>(
    method: string,
    path: string,
    token: string,
    body?: string,
    type = 'application/json',
  ) => {
    const response = await fetch(`${shamba.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text.startsWith('{') ? JSON.parse(text) : text) as T,
    };
  };
  /**
   * Trains through the API: a refusal before the work starts is its status; a training that
   * started is a job, followed to its end (`succeeded` with the saved version, or its problem).
   */
  const train = async (token: string, extra: object = {}) => {
    const accepted = await fetch(`${shamba.api.url}/v1/models/yield/train`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...TINY, seed: 7, promote: true, ...extra }),
    });
    if (accepted.status !== 202)
      return { status: accepted.status as number | string, body: {} as Trained };
    const job = await followJob(
      (path) =>
        fetch(`${shamba.api.url}${path}`, { headers: { authorization: `Bearer ${token}` } }),
      accepted,
    );
    return { status: job.state as number | string, body: (job.result ?? job.error) as Trained };
  };
  const forecastA = async () =>
    (await call<FieldForecast>('GET', '/v1/fields/a-maize/forecast', tokens.managerA)).body;

  beforeAll(async () => {
    shamba = await startShamba(dir.path);
    const { registry } = shamba;
    await seedCoop(registry);
    await registry.coops.upsert({
      id: COOP_B,
      name: 'Hostile coop',
      countryCode: 'ET',
      timezone: 'Africa/Addis_Ababa',
    });
    await registry.fields.upsert(fieldFixture({ id: 'b-maize', coopId: COOP_B, farmerId: 'f' }));
    await registry.fields.upsert(
      fieldFixture({
        id: 'a-maize',
        coopId: COOP_A,
        farmerId: 'f',
        plantingDate: sowing,
        areaHa: 1,
        elevationM: 1640,
        nitrogenKgHa: 60,
      }),
    );
    await seedStation(shamba, { from: sowing, days: SOWN_DAYS_AGO }, (d) => ({
      tMaxC: 26,
      tMinC: 12,
      rhMaxPct: 85,
      rhMinPct: 40,
      windMs: 2,
      solarMJ: 20,
      rainMm: d % 3 === 0 ? 8 : 0,
    }));
    const acquiredMs = Date.now() - 5 * DAY_MS;
    await registry.scenes.add(
      {
        id: 'S2-a',
        ownerCoopId: null,
        acquiredMs,
        itemPath: 'x',
        cloudCoverPct: 0,
        processedMs: acquiredMs,
      },
      [
        {
          sceneId: 'S2-a',
          ownerCoopId: null,
          fieldId: 'a-maize',
          acquiredMs,
          indices: {
            status: 'ok',
            validFraction: 1,
            pixelCount: 50,
            ndvi: { mean: 0.6, sd: 0.02, p10: 0.57, p50: 0.6, p90: 0.63 },
          },
        },
      ],
    );
    const staff = (role: 'agronomist' | 'manager', coopId: string) =>
      seedToken(registry, { role, coopId, farmerId: null, name: `${role} ${coopId}` });
    tokens.admin = await seedToken(registry, {
      role: 'admin',
      coopId: null,
      farmerId: null,
      name: 'Admin',
    });
    tokens.agronomistA = await staff('agronomist', COOP_A);
    tokens.managerA = await staff('manager', COOP_A);
    tokens.agronomistB = await staff('agronomist', COOP_B);
  });
  afterAll(async () => {
    await shamba?.close();
    dir[Symbol.dispose]();
  });

  const postLarge = (path: string, bytes: number, chunked: boolean) =>
    postLargeBody(new URL(`${shamba.api.url}${path}`), { token: tokens.admin, bytes, chunked });

  it('refuses a train body over 4 KiB before reading it, and promote reads no body', async () => {
    // Health once first: its worker check loads TF.js (tens of MB) and is not what is measured.
    expect((await fetch(`${shamba.api.url}/v1/health`)).status).toBe(200);
    const before = rssMb();
    const limitError = problem('INVALID_REQUEST', 'body larger than 4096 bytes');
    // 256 MiB announced, or streamed without a length: refused either way, the rest unread.
    expect(await postLarge('/v1/models/yield/train', 256 * 1024 * 1024, false)).toEqual({
      status: 400,
      body: limitError,
    });
    expect(await postLarge('/v1/models/yield/train', 256 * 1024 * 1024, true)).toEqual({
      status: 400,
      body: limitError,
    });
    // Just over the limit is refused too.
    const over = await call(
      'POST',
      '/v1/models/yield/train',
      tokens.admin,
      `{${' '.repeat(4100)}}`,
    );
    expect(over.status).toBe(400);
    // Promote ignores any body: the version it names does not exist, and that is all it says.
    expect(await postLarge('/v1/models/yield/yield-none/promote', 64 * 1024 * 1024, true)).toEqual({
      status: 404,
      body: problem('NOT_FOUND', 'no yield model version yield-none'),
    });
    expect((await fetch(`${shamba.api.url}/v1/health`)).status).toBe(200);
    const after = rssMb();
    console.log(`oversized train bodies: RSS ${before} MB before, ${after} MB after`);
    expect(after - before).toBeLessThan(64);
  });

  it(
    "keeps A's forecast on A's (or the shared) model while B trains and promotes a poisoned one",
    { timeout: 240_000 },
    async () => {
      expect((await forecastA()).status).toBe('no-model');

      // An admin's model is shared (no coopId), learns from no cooperative's history, and is
      // what a cooperative without its own uses.
      const shared = await train(tokens.admin);
      expect(shared.status).toBe('succeeded');
      expect([shared.body.owner, shared.body.promoted, shared.body.data.history]).toEqual([
        null,
        true,
        0,
      ]);
      const onShared = await forecastA();
      expect([onShared.status, onShared.versions.model]).toEqual(['ok', shared.body.version]);

      // A trains its own and promotes it.
      const own = await train(tokens.agronomistA, { seed: 8 });
      expect([own.status, own.body.owner, own.body.promoted]).toEqual(['succeeded', COOP_A, true]);
      const before = await forecastA();
      expect([before.status, before.versions.model]).toEqual(['ok', own.body.version]);

      // B uploads a poisoned history: 150 t/ha is refused outright (above maize's world
      // record), so a hundred seasons of failed harvests (0 t/ha) on B's one field: plausible
      // row by row, and a model trained on it still beats FAO-33 on B's own held-out seasons...
      const poison = (tHa: number) => {
        const rows = [HEADER];
        for (let s = 0; s < 100; s++)
          rows.push(`${1926 + s}-meher,b-maize,maize,${tHa},0,120,300,12,0.5,0.3,0.2,0.4`);
        return rows.join('\n');
      };
      const csv = poison(0);
      const refused = await call<{ detail: string }>(
        'POST',
        `/v1/coops/${COOP_B}/yield-history`,
        tokens.agronomistB,
        poison(150),
        'text/csv',
      );
      expect([refused.status, refused.body.detail.split('\n')[1]]).toEqual([
        400,
        expect.stringMatching(/^line 2, yield_t_ha: 150 t\/ha of maize is above the most ever/),
      ]);
      // ...not into A's history, nor can B read A's history or season features...
      expect(
        (
          await call(
            'POST',
            `/v1/coops/${COOP_A}/yield-history`,
            tokens.agronomistB,
            csv,
            'text/csv',
          )
        ).status,
      ).toBe(404);
      expect(
        (await call('GET', `/v1/coops/${COOP_A}/yield-history`, tokens.agronomistB)).status,
      ).toBe(404);
      expect(
        (
          await call(
            'GET',
            `/v1/coops/${COOP_A}/season-features.csv?season=2026-meher`,
            tokens.agronomistB,
          )
        ).status,
      ).toBe(404);
      // ...but into its own, then trains on it and promotes. Naming A's cooperative: NOT_FOUND.
      expect(
        (
          await call(
            'POST',
            `/v1/coops/${COOP_B}/yield-history`,
            tokens.agronomistB,
            csv,
            'text/csv',
          )
        ).status,
      ).toBe(201);
      expect((await train(tokens.agronomistB, { coopId: COOP_A })).status).toBe(404);
      const poisoned = await train(tokens.agronomistB, { seed: 9 });
      expect([poisoned.status, poisoned.body.owner, poisoned.body.promoted]).toEqual([
        'succeeded',
        COOP_B,
        true,
      ]);
      expect(poisoned.body.data.history).toBe(100);
      expect(poisoned.body.version).not.toBe(own.body.version);

      // A's forecast is exactly what it was: the same version, the same numbers.
      const after = await forecastA();
      expect(after.versions).toEqual(before.versions);
      expect(after.yieldTHa).toEqual(before.yieldTHa);

      // Each sees its own versions and the shared ones, never the other's.
      const listA = (await call<Listed>('GET', '/v1/models/yield', tokens.managerA)).body;
      expect(listA).toEqual({
        coopId: COOP_A,
        inUse: { version: own.body.version, owner: COOP_A },
        versions: [
          expect.objectContaining({ version: shared.body.version, owner: null, promoted: false }),
          expect.objectContaining({ version: own.body.version, owner: COOP_A, promoted: true }),
        ],
        next: null,
      });
      const listB = (await call<Listed>('GET', '/v1/models/yield', tokens.agronomistB)).body;
      expect(listB.versions.map((v) => [v.version, v.owner, v.promoted])).toEqual([
        [shared.body.version, null, false],
        [poisoned.body.version, COOP_B, true],
      ]);
      expect(
        (await call('GET', `/v1/models/yield?coopId=${COOP_A}`, tokens.agronomistB)).status,
      ).toBe(404);

      // Neither can promote the other's version: it does not exist for them.
      const promote = (version: string, token: string, query = '') =>
        call<{ error?: { code: string }; promoted?: string; owner?: string | null }>(
          'POST',
          `/v1/models/yield/${version}/promote${query}`,
          token,
        );
      expect((await promote(poisoned.body.version, tokens.agronomistA)).body).toEqual(
        problem('NOT_FOUND', `no yield model version ${poisoned.body.version}`),
      );
      expect((await promote(own.body.version, tokens.agronomistB)).status).toBe(404);
      expect(
        (await promote(own.body.version, tokens.agronomistB, `?coopId=${COOP_A}`)).status,
      ).toBe(404);
      // An admin cannot make B's version the shared one either (it is B's, not shared).
      expect((await promote(poisoned.body.version, tokens.admin)).status).toBe(404);
      expect((await forecastA()).versions.model).toBe(own.body.version);

      // A may adopt the shared version, and go back to its own.
      expect((await promote(shared.body.version, tokens.agronomistA)).body).toEqual({
        coopId: COOP_A,
        promoted: shared.body.version,
        owner: null,
      });
      expect((await forecastA()).versions.model).toBe(shared.body.version);
      expect((await promote(own.body.version, tokens.agronomistA)).status).toBe(200);
      expect((await forecastA()).versions.model).toBe(own.body.version);

      // The admin sees every owner's versions, each with its owner.
      const all = (await call<Listed>('GET', '/v1/models/yield', tokens.admin)).body;
      expect(all.coopId).toBeNull();
      expect(all.inUse).toEqual({ version: shared.body.version, owner: null });
      expect(
        all.versions
          .map((v) => [v.version, v.owner, v.promoted])
          .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      ).toEqual(
        [
          [own.body.version, COOP_A, true],
          [poisoned.body.version, COOP_B, true],
          [shared.body.version, null, true],
        ].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
      );

      // An admin may train for a cooperative: owned by it, on its history, promoted only if asked.
      const forB = await train(tokens.admin, { coopId: COOP_B, promote: false });
      expect([forB.status, forB.body.owner, forB.body.promoted, forB.body.data.history]).toEqual([
        'succeeded',
        COOP_B,
        false,
        100,
      ]);
      // A manager neither trains nor promotes.
      expect((await train(tokens.managerA)).status).toBe(403);
      expect((await promote(own.body.version, tokens.managerA)).status).toBe(403);
      expect((await forecastA()).versions.model).toBe(own.body.version);
    },
  );
});
