import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, yieldFeatures } from '@shamba/analytics';
import { BUILT_IN_SCENARIOS, simulateSeasons } from '@shamba/world';
import { COOP, seedCoop, seedToken, startShamba, testField } from './support/seed.js';
import { tempDir } from './support/temp-dir.js';
import { followJob } from '@shamba/api/testing';

const HEADER =
  'season,field_id,crop,yield_t_ha,nitrogen_kg_ha,taw_mm,rain_mm,gdd_per_day,eta_over_etc,ndvi_peak,ndvi_integral,rain_over_et0';
const SCENARIO = BUILT_IN_SCENARIOS['oromia-drought']!;

/** A cooperative's history as Shamba would export it at harvest: end-of-season features. */
function historyCsv(): string {
  const seasons = simulateSeasons({
    base: SCENARIO,
    count: 3,
    seed: 42,
  });
  const years = [...new Set(seasons.map((s) => s.seed))];
  const lines = seasons.map((s) => {
    const x = yieldFeatures({ ...s, days: s.days });
    const f = (n: (typeof FEATURE_NAMES)[number]) => x[FEATURE_NAMES.indexOf(n)]!.toFixed(4);
    return [
      `${2020 + years.indexOf(s.seed)}-meher`,
      s.fieldId,
      s.crop,
      s.yieldTHa.toFixed(3),
      s.nitrogenKgHa,
      s.tawMm,
      f('rainMm'),
      f('gddPerDay'),
      f('etaOverEtc'),
      f('ndviPeak'),
      f('ndviIntegral'),
      f('rainOverEt0'),
    ].join(',');
  });
  return [HEADER, ...lines].join('\n');
}

describe('yield history and models over the API', () => {
  it(
    'takes a CSV history, trains a version on it in a worker, lists and promotes it',
    { timeout: 120_000 },
    async () => {
      using dir = tempDir();
      await using shamba = await startShamba(dir.path);
      await seedCoop(shamba.registry);
      // History names the cooperative's own fields (the scenario's, as in the demo).
      for (const f of SCENARIO.fields) await shamba.registry.fields.upsert(testField(f.id, 'f'));
      const agronomist = await seedToken(shamba.registry, {
        role: 'agronomist',
        coopId: COOP,
        farmerId: null,
        name: 'Dr. A',
      });
      const manager = await seedToken(shamba.registry, {
        role: 'manager',
        coopId: COOP,
        farmerId: null,
        name: 'M',
      });
      const call = (
        method: string,
        path: string,
        token: string,
        body?: string,
        type = 'application/json',
      ) =>
        fetch(`${shamba.api.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          ...(body === undefined ? {} : { body }),
        });

      // A bad row is named by its line and nothing is stored.
      const bad = await call(
        'POST',
        `/v1/coops/${COOP}/yield-history`,
        manager,
        `${HEADER}\n2025-meher,f1,maize,4.1,60,78,300,12,1.7,0.8,0.3,0.9`,
        'text/csv',
      );
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { detail: string }).detail).toMatch(/line 2, eta_over_etc: /);
      expect((await shamba.registry.yieldHistory.list(COOP)).length).toBe(0);

      const csv = historyCsv();
      const uploaded = await call(
        'POST',
        `/v1/coops/${COOP}/yield-history`,
        manager,
        csv,
        'text/csv',
      );
      expect(uploaded.status).toBe(201);
      expect(await uploaded.json()).toMatchObject({
        received: 12,
        stored: 12,
        seasons: ['2020-meher', '2021-meher', '2022-meher'],
      });
      // The same upload again replaces, it does not add.
      await call('POST', `/v1/coops/${COOP}/yield-history`, manager, csv, 'text/csv');
      expect((await shamba.registry.yieldHistory.list(COOP)).length).toBe(12);

      const train = { seasons: 8, seed: 5, epochs: 20, promote: true };
      expect(
        (await call('POST', '/v1/models/yield/train', manager, JSON.stringify(train))).status,
      ).toBe(403);
      expect(
        (
          await call(
            'POST',
            '/v1/models/yield/train',
            agronomist,
            JSON.stringify({ ...train, epochs: 0 }),
          )
        ).status,
      ).toBe(400);
      // Training is a job: answered at once, followed to its end.
      const followed = (accepted: Response) =>
        followJob((path) => call('GET', path, agronomist), accepted);
      const trained = await followed(
        await call('POST', '/v1/models/yield/train', agronomist, JSON.stringify(train)),
      );
      expect(trained.state).toBe('succeeded');
      const version = trained.result as {
        version: string;
        promoted: boolean;
        data: Record<string, number>;
      };
      // 8 simulated weather-years of 4 fields, and the cooperative's 12 field-seasons.
      expect(version.data).toMatchObject({ seasons: 44, simulated: 32, history: 12 });
      expect(version.promoted).toBe(true);

      const second = (
        await followed(
          await call(
            'POST',
            '/v1/models/yield/train',
            agronomist,
            JSON.stringify({ ...train, seed: 6, promote: false }),
          ),
        )
      ).result as { version: string };
      const listed = (await (await call('GET', '/v1/models/yield', manager)).json()) as {
        versions: { version: string; promoted: boolean; training: { seed: number } }[];
      };
      expect(listed.versions.map((v) => [v.version, v.promoted, v.training.seed])).toEqual([
        [version.version, true, 5],
        [second.version, false, 6],
      ]);
      expect(
        (await call('POST', `/v1/models/yield/${second.version}/promote`, agronomist)).status,
      ).toBe(200);
      const after = (await (await call('GET', '/v1/models/yield', manager)).json()) as {
        versions: { promoted: boolean }[];
      };
      expect(after.versions.map((v) => v.promoted)).toEqual([false, true]);
      expect(
        (await call('POST', '/v1/models/yield/no-such-version/promote', agronomist)).status,
      ).toBe(404);
    },
  );
});
