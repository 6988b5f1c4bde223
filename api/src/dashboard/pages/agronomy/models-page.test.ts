import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelStore, type ModelOwner } from '@shamba/analytics';
import { buildQuantileModel, initTfBackend } from '@shamba/analytics/models';
import type { Principal } from '@shamba/schemas';
import { coopFixture } from '@shamba/schemas/testing';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { TrainRequest, YieldModels } from '../../../routes/models.js';
import {
  dashboardApp,
  pageRequests,
  signInUsers,
  type PageRequests,
} from '../../testing/signed-in.js';

const NOW = Date.UTC(2026, 7, 10, 12, 0);

let stores: TempStores;
let pages: PageRequests;
/** The same app without models (analytics not running). */
let bare: PageRequests;
const versions: Record<string, string> = {};
/** The trainings asked for, and the hand that lets the current one finish. */
const trained: { request: TrainRequest; owner: ModelOwner }[] = [];
let finishTraining: () => void = () => undefined;

const USERS: Record<string, Principal> = {
  agronomist: { role: 'agronomist', coopId: 'coop-a', farmerId: null, name: 'A' },
  manager: { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'M' },
  'agronomist-b': { role: 'agronomist', coopId: 'coop-b', farmerId: null, name: 'B' },
};

/** A held-out evaluation as training records it (analytics' YieldModelMeta['evaluation']). */
function evaluation(modelRmse: number, fao33Rmse: number) {
  return {
    model: { rows: 40, rmseTHa: modelRmse, maeTHa: modelRmse * 0.8, p10p90Coverage: 0.775 },
    fao33: { rows: 40, rmseTHa: fao33Rmse, maeTHa: fao33Rmse * 0.8, p10p90Coverage: null },
    bySeasonFraction: [
      {
        seasonFraction: 0.25,
        rows: 8,
        coverage: 0.75,
        meanBandTHa: 2.1,
        modelRmseTHa: 0.9,
        fao33RmseTHa: 1,
      },
      {
        seasonFraction: 0.9,
        rows: 8,
        coverage: 0.875,
        meanBandTHa: 1.2,
        modelRmseTHa: 0.4,
        fao33RmseTHa: 0.6,
      },
    ],
  };
}

beforeAll(async () => {
  stores = await openTempStores('shamba-agronomy-models-');
  const { registry, store } = stores;
  await registry.coops.upsert(coopFixture());
  await registry.coops.upsert(coopFixture({ id: 'coop-b', name: 'B' }));
  const dir = join(stores.dir, 'models');
  const storeOf = (owner: ModelOwner) => createModelStore({ dir, owner, clock: () => NOW });
  await initTfBackend();
  const model = buildQuantileModel({ inputs: 4, hiddenUnits: 3, seed: 1 });
  const meta = (m: number, f: number) => ({
    data: { seasons: 60, simulated: 60, history: 0 },
    training: { seed: 1, epochs: 150 },
    evaluation: evaluation(m, f),
  });
  versions.good = await storeOf('coop-a').save('yield', model, meta(0.5, 0.7));
  versions.better = await storeOf('coop-a').save('yield', model, meta(0.45, 0.7));
  versions.worse = await storeOf('coop-a').save('yield', model, meta(0.95, 0.7));
  versions.b = await storeOf('coop-b').save('yield', model, meta(0.5, 0.7));
  await storeOf('coop-a').promote('yield', versions.good);
  // The CLI's models over the same store; training waits for the test to let it finish.
  const models: YieldModels = {
    list: async (scope) => ('every' in scope ? [] : storeOf(scope.owner).list('yield')),
    inUse: (owner) => storeOf(owner).inUse('yield'),
    promote: (owner, version) => storeOf(owner).promote('yield', version),
    train: async (request, owner) => {
      trained.push({ request, owner });
      await new Promise<void>((resolve) => (finishTraining = resolve));
      const version = await storeOf(owner).save('yield', model, meta(0.6, 0.7));
      return { version, owner, promoted: false };
    },
  };
  const signedIn = await signInUsers(registry, USERS, { clock: () => NOW });
  const options = { registry, store, clock: () => NOW, sessions: signedIn.sessions };
  pages = pageRequests(await dashboardApp({ ...options, models }), signedIn);
  bare = pageRequests(await dashboardApp(options), signedIn);
});
afterAll(() => stores.close());

const get = (user: string, path: string, on = pages) => on.get(user, path);
const post = (user: string, path: string, fields: Record<string, string> = {}, csrf = true) =>
  pages.postForm(user, path, fields, { csrf });
const inUse = async () =>
  /<p id="in-use">([^<]*)</.exec(await (await get('manager', '/agronomy/models')).text())?.[1];

/** The versions table's rows: version cell, then the numbers. */
function versionRows(html: string): string[][] {
  const body =
    /<table id="model-versions">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      cell[1]!
        .replace(/<[^>]+>/g, '')
        .replaceAll('&#39;', "'")
        .trim(),
    ),
  );
}

describe('yield models page', () => {
  it("shows each version's evaluation, the one in use and its calibration; a manager cannot act", async () => {
    const response = await get('manager', '/agronomy/models');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain(`In use: ${versions.good}`);
    const worse = `Cannot be promoted: its held-out RMSE, 0.95 t/ha, is worse than FAO-33&#39;s 0.7 t/ha on the same seasons`;
    expect(html).toContain(`<p class="refused">${worse}</p>`);
    expect(versionRows(html)).toEqual([
      [versions.worse, '2026-08-10', '60', '0.95', '0.76', '0.7', '78 %', 'Cannot be promoted'],
      [versions.better, '2026-08-10', '60', '0.45', '0.36', '0.7', '78 %', ''],
      [versions.good, '2026-08-10', '60', '0.5', '0.4', '0.7', '78 %', 'in use'],
    ]);
    expect(html).not.toContain(versions.b);
    // The calibration chart's figure with its table fallback, and the numbers for the script.
    const figure =
      new RegExp(
        `<figure class="chart calibration" id="calibration-${versions.good}"[\\s\\S]*?</figure>`,
      ).exec(html)?.[0] ?? '';
    expect(figure).toContain(
      '<th scope="row">25 %</th><td class="num">8</td><td class="num">80 %</td><td class="num">75 %</td><td class="num">2.1</td><td class="num">0.9</td><td class="num">1</td>',
    );
    const data = JSON.parse(
      /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(html)![1]!,
    ) as { charts: unknown[] };
    expect(data.charts[2]).toEqual({
      version: versions.good,
      seasonFraction: [0.25, 0.9],
      coverage: [0.75, 0.875],
      modelRmseTHa: [0.9, 0.4],
      fao33RmseTHa: [1, 0.6],
      nominal: 0.8,
    });
    expect(html).not.toContain('id="train-form"');
    expect(html).not.toContain('class="promote-form"');
    expect((await post('manager', `/agronomy/models/${versions.better}/promote`)).status).toBe(403);
    expect((await post('manager', '/agronomy/models/train')).status).toBe(403);
    expect(await inUse()).toBe(`In use: ${versions.good}`);
  });

  it('promotes a version; refuses one worse than FAO-33 (400, the reason) and another cooperative’s (404)', async () => {
    const promoted = await post('agronomist', `/agronomy/models/${versions.better}/promote`);
    expect(promoted.status).toBe(303);
    expect(promoted.headers.get('location')).toBe(`/agronomy/models?promoted=${versions.better}`);
    expect(await inUse()).toBe(`In use: ${versions.better}`);
    const refused = await post('agronomist', `/agronomy/models/${versions.worse}/promote`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="models-error">[^<]*worse than FAO-33/);
    expect((await post('agronomist', `/agronomy/models/${versions.b}/promote`)).status).toBe(404);
    expect(
      (await post('agronomist', `/agronomy/models/${versions.good}/promote`, {}, false)).status,
    ).toBe(403);
    expect(await inUse()).toBe(`In use: ${versions.better}`);
  });

  it('trains as a job: the page shows it running with a progress bar, then the version it saved', async () => {
    expect((await post('agronomist', '/agronomy/models/train', { seasons: '2' })).status).toBe(400);
    expect(
      (await post('agronomist', '/agronomy/models/train', { seasons: '8' }, false)).status,
    ).toBe(403);
    expect(trained).toEqual([]);
    const started = await post('agronomist', '/agronomy/models/train', {
      seasons: '8',
      seed: '3',
      epochs: '2',
    });
    expect(started.status).toBe(303);
    const location = started.headers.get('location')!;
    const jobId = /job=([\w-]+)/.exec(location)![1]!;
    expect(trained).toEqual([
      {
        request: {
          scenario: 'oromia-drought',
          seasons: 8,
          seed: 3,
          epochs: 2,
          promote: false,
          coopId: 'coop-a',
        },
        owner: 'coop-a',
      },
    ]);
    const running = await (await get('agronomist', location)).text();
    expect(running).toContain('data-state="running"');
    expect(running).toContain('<progress id="training-progress"');
    expect(running).toContain(`href="/agronomy/models?job=${jobId}"`);
    expect(running).toMatch(/<button type="submit" disabled="">Train<\/button>/);
    // A second start while one runs goes to the same job.
    const again = await post('agronomist', '/agronomy/models/train', { seasons: '8' });
    expect(again.headers.get('location')).toBe(location);
    expect(trained).toHaveLength(1);
    const state = await get('agronomist', `/agronomy/models/jobs/${jobId}`);
    expect(await state.json()).toMatchObject({ state: 'running', coopId: 'coop-a', seconds: 0 });
    expect((await get('agronomist-b', `/agronomy/models/jobs/${jobId}`)).status).toBe(404);
    finishTraining();
    let job: { state: string; version: string | null } = { state: 'running', version: null };
    for (let i = 0; i < 50 && job.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      job = (await (
        await get('agronomist', `/agronomy/models/jobs/${jobId}`)
      ).json()) as typeof job;
    }
    expect(job.state).toBe('done');
    const done = await (await get('agronomist', location)).text();
    expect(done).toContain(`Trained ${job.version} in 0 s.`);
    expect(versionRows(done)[0]?.slice(0, 4)).toEqual([job.version, '2026-08-10', '60', '0.6']);
  });

  it('says so when the box runs no yield models', async () => {
    const html = await (await get('agronomist', '/agronomy/models', bare)).text();
    expect(html).toContain('id="models-unavailable"');
    expect(html).toContain('Yield models are not running on this box');
  });
});
