import { describe, expect, it } from 'vitest';
import { ShambaError } from '@shamba/schemas';
import { createJobs } from './jobs.js';

const T0 = Date.parse('2026-12-03T08:00:00Z');

describe('jobs', () => {
  it('answers at once, then reports progress and the result', async () => {
    let now = T0;
    const jobs = createJobs({ clock: () => now });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { job, started } = jobs.start({
      kind: 'zone-delineation',
      coopId: 'coop-a',
      startedBy: 'Agro A',
      run: async (report) => {
        report(0.5);
        await gate;
        return { zones: 3 };
      },
    });
    expect(started).toBe(true);
    expect(jobs.get(job.id)).toMatchObject({ state: 'running', progress: null, result: null });
    await new Promise((resolve) => setImmediate(resolve));
    expect(jobs.get(job.id)?.progress).toBe(0.5);
    now += 4000;
    release();
    expect(await jobs.settled(job.id)).toEqual({
      id: job.id,
      kind: 'zone-delineation',
      coopId: 'coop-a',
      startedBy: 'Agro A',
      state: 'succeeded',
      progress: 1,
      createdAt: '2026-12-03T08:00:00.000Z',
      finishedAt: '2026-12-03T08:00:04.000Z',
      result: { zones: 3 },
      error: null,
    });
  });

  it('keeps one running job per key, and says what a failure would have answered', async () => {
    const jobs = createJobs({ clock: () => T0 });
    const fail = () => Promise.reject(new ShambaError('INVALID_REQUEST', 'too few scenes'));
    const first = jobs.start({
      kind: 'yield-model-training',
      coopId: 'coop-a',
      startedBy: 'A',
      exclusiveKey: 'train:coop-a',
      run: fail,
    });
    const second = jobs.start({
      kind: 'yield-model-training',
      coopId: 'coop-a',
      startedBy: 'A',
      exclusiveKey: 'train:coop-a',
      run: fail,
    });
    expect([second.started, second.job.id]).toEqual([false, first.job.id]);
    expect((await jobs.settled(first.job.id))?.error).toEqual({
      status: 400,
      code: 'INVALID_REQUEST',
      detail: 'too few scenes',
    });
    // Once it has finished, the key is free again.
    const third = jobs.start({
      kind: 'yield-model-training',
      coopId: 'coop-a',
      startedBy: 'A',
      exclusiveKey: 'train:coop-a',
      run: async () => 'ok',
    });
    expect(third.started).toBe(true);
    const unexpected = jobs.start({
      kind: 'scene-registration',
      coopId: null,
      startedBy: 'Admin',
      run: () => Promise.reject(new Error('disk on fire')),
    });
    expect((await jobs.settled(unexpected.job.id))?.error).toEqual({
      status: 500,
      code: 'INTERNAL',
      detail: 'internal error (see the log)',
    });
    expect(jobs.list({ coopId: 'coop-a' }).map((j) => j.id)).toEqual([third.job.id, first.job.id]);
  });

  it("caps a cooperative's running jobs, and keeps its finished ones without dropping others'", async () => {
    const jobs = createJobs({ clock: () => T0 });
    const start = (coopId: string, run: () => Promise<unknown>) =>
      jobs.start({ kind: 'scene-registration', coopId, startedBy: 'x', run }).job;
    const other = start('coop-b', async () => 'kept');
    await jobs.settled(other.id);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = Array.from({ length: 4 }, () => start('coop-a', () => gate));
    expect(() => start('coop-a', () => gate)).toThrow(
      '4 jobs of this cooperative are running: wait for one to finish',
    );
    release();
    for (const job of running) await jobs.settled(job.id);
    // A flood of coop-a's finished jobs drops its own oldest, never coop-b's.
    for (let i = 0; i < 150; i++) await jobs.settled(start('coop-a', async () => i).id);
    expect(jobs.list({ coopId: 'coop-a' })).toHaveLength(100);
    expect(jobs.get(other.id)?.result).toBe('kept');
  });
});
