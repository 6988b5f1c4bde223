import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTempStores, type TempStores } from '@shamba/storage/testing';
import type { Principal } from '@shamba/schemas';
import { tokenDigest } from '@shamba/storage';
import { createApp } from '../app.js';
import { createJobs, type Jobs } from '../jobs/jobs.js';
import { problem } from '../testing/problem.js';

const NOW = Date.parse('2026-12-03T08:00:00Z');

const TOKENS: Record<string, Principal> = {
  'manager-a': { role: 'manager', coopId: 'coop-a', farmerId: null, name: 'Manager A' },
  'farmer-a': { role: 'farmer', coopId: 'coop-a', farmerId: 'farmer-1', name: 'Farmer 1' },
  'manager-b': { role: 'manager', coopId: 'coop-b', farmerId: null, name: 'Manager B' },
  admin: { role: 'admin', coopId: null, farmerId: null, name: 'Admin' },
};

describe('GET /v1/jobs and /v1/jobs/{id}', () => {
  let stores: TempStores;
  let jobs: Jobs;
  let app: ReturnType<typeof createApp>;
  let now = NOW;

  beforeAll(async () => {
    stores = await openTempStores('shamba-api-jobs-');
    for (const [token, principal] of Object.entries(TOKENS))
      await stores.registry.tokens.add(tokenDigest(token), principal, {
        createdMs: 0,
        expiresMs: null,
      });
    jobs = createJobs({ clock: () => now });
    app = createApp({
      registry: stores.registry,
      store: stores.store,
      health: async () => ({}),
      clock: () => now,
      jobs,
    });
  });
  afterAll(async () => stores.close());

  const get = async (token: string, path: string) => {
    const res = await app.request(path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("shows a job to its cooperative's staff and admins, and to nobody else", async () => {
    const { job } = jobs.start({
      kind: 'zone-delineation',
      coopId: 'coop-a',
      startedBy: 'Agro A',
      run: async () => ({ zones: 4 }),
    });
    await jobs.settled(job.id);
    const expected = { ...job, state: 'succeeded', progress: 1, result: { zones: 4 } };
    expect(await get('manager-a', `/v1/jobs/${job.id}`)).toEqual({ status: 200, body: expected });
    expect(await get('admin', `/v1/jobs/${job.id}`)).toEqual({ status: 200, body: expected });
    for (const token of ['manager-b', 'farmer-a'])
      expect([token, await get(token, `/v1/jobs/${job.id}`)]).toEqual([
        token,
        { status: 404, body: problem('NOT_FOUND', `no job ${job.id}`) },
      ]);
  });

  it('lists them newest first, a page at a time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      now += 1000;
      ids.unshift(
        jobs.start({
          kind: 'scene-registration',
          coopId: 'coop-b',
          startedBy: 'Manager B',
          run: async () => i,
        }).job.id,
      );
    }
    const first = await get('manager-b', '/v1/jobs?limit=2');
    expect((first.body.jobs as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(0, 2));
    const second = await get('manager-b', `/v1/jobs?limit=2&cursor=${String(first.body.next)}`);
    expect(second.body).toMatchObject({ next: null });
    expect((second.body.jobs as { id: string }[]).map((j) => j.id)).toEqual(ids.slice(2));
    expect((await get('farmer-a', '/v1/jobs')).status).toBe(403);
  });
});
