import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ShambaError, isShambaError } from '@shamba/schemas';
import { statusOf } from '../http/errors.js';

/** Long work the API answers 202 for: the client follows the job at `GET /v1/jobs/{id}`. */
export const JOB_KINDS = [
  'yield-model-training',
  'zone-delineation',
  'scene-registration',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(JOB_KINDS),
    /** The cooperative the work is for; null for an admin's shared work (admins only see it). */
    coopId: z.string().nullable(),
    /** Who started it (the token's name). */
    startedBy: z.string(),
    state: z.enum(['running', 'succeeded', 'failed']),
    /** 0..1 where the work reports it; null where it cannot say. */
    progress: z.number().min(0).max(1).nullable(),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    /** Succeeded: what the synchronous route would have answered. */
    result: z.unknown().nullable(),
    /** Failed: the problem the synchronous route would have answered. */
    error: z.object({ status: z.number().int(), code: z.string(), detail: z.string() }).nullable(),
  })
  .meta({ id: 'Job', description: 'Long work, followed until it succeeds or fails.' });
export type Job = z.infer<typeof JobSchema>;

export interface JobStart {
  kind: JobKind;
  coopId: string | null;
  startedBy: string;
  /**
   * One running job per key (e.g. a cooperative's training, a field's delineation): starting
   * another while it runs answers the running one.
   */
  exclusiveKey?: string;
  run(report: (progress: number) => void): Promise<unknown>;
}

export interface Jobs {
  start(start: JobStart): { job: Job; started: boolean };
  get(id: string): Job | undefined;
  /** Newest first. */
  list(filter: { coopId?: string | null }): Job[];
  /** Resolves when the job has finished (for tests and the CLI). */
  settled(id: string): Promise<Job | undefined>;
}

/**
 * Finished jobs kept for their clients to read: work is started a few times a day per
 * cooperative, so 100 per cooperative cover its day, and one cooperative's flood drops only its
 * own; 2,000 in all bound the memory (a delineation's result is tens of KB). A running job is
 * never dropped.
 */
const KEPT_PER_COOP = 100;
const KEPT_JOBS = 2000;

/**
 * Jobs running at once per cooperative (a training, a delineation, a couple of scenes): the
 * worker pool has a thread or two, so more would only queue; the next is told to retry.
 */
const RUNNING_PER_COOP = 4;

/**
 * Jobs in memory: a restart loses the record of running work (its worker goes with the process)
 * but never what it saved (a model version, zones, a scene), which their own routes list.
 */
export function createJobs(options: { clock: () => number; logger?: Logger | undefined }): Jobs {
  const { clock, logger } = options;
  const jobs = new Map<string, Job>();
  const running = new Map<string, string>(); // exclusive key -> job id
  const done = new Map<string, Promise<void>>();
  const iso = () => new Date(clock()).toISOString();
  const drop = (id: string) => {
    jobs.delete(id);
    done.delete(id);
  };
  /** Oldest first (insertion order): the cooperative's beyond its share, then beyond the whole. */
  const forget = (coopId: string | null) => {
    const finished = [...jobs.values()].filter((j) => j.state !== 'running');
    const own = finished.filter((j) => j.coopId === coopId);
    for (const job of own.slice(0, Math.max(0, own.length - KEPT_PER_COOP))) drop(job.id);
    for (const job of finished) {
      if (jobs.size <= KEPT_JOBS) break;
      drop(job.id);
    }
  };
  const runningIn = (coopId: string | null) =>
    [...jobs.values()].filter((j) => j.coopId === coopId && j.state === 'running').length;
  return {
    start(start) {
      const busy = start.exclusiveKey === undefined ? undefined : running.get(start.exclusiveKey);
      const busyJob = busy === undefined ? undefined : jobs.get(busy);
      if (busyJob !== undefined) return { job: busyJob, started: false };
      if (runningIn(start.coopId) >= RUNNING_PER_COOP)
        throw new ShambaError(
          'TOO_MANY_REQUESTS',
          `${RUNNING_PER_COOP} jobs of this cooperative are running: wait for one to finish`,
          { details: { retryAfterS: 30 } },
        );
      const job: Job = {
        id: randomUUID(),
        kind: start.kind,
        coopId: start.coopId,
        startedBy: start.startedBy,
        state: 'running',
        progress: null,
        createdAt: iso(),
        finishedAt: null,
        result: null,
        error: null,
      };
      jobs.set(job.id, job);
      if (start.exclusiveKey !== undefined) running.set(start.exclusiveKey, job.id);
      forget(start.coopId);
      const report = (progress: number) => {
        if (job.state === 'running') job.progress = Math.min(1, Math.max(0, progress));
      };
      // Started on the next turn, so the 202 is answered before the work takes the thread.
      const work = Promise.resolve().then(() => start.run(report));
      done.set(
        job.id,
        work
          .then(
            (result) => {
              Object.assign(job, { state: 'succeeded', progress: 1, result, finishedAt: iso() });
            },
            (error: unknown) => {
              if (!isShambaError(error)) logger?.error({ err: error, job: job.id }, 'job failed');
              Object.assign(job, {
                state: 'failed',
                finishedAt: iso(),
                error: isShambaError(error)
                  ? { status: statusOf(error), code: error.code, detail: error.message }
                  : { status: 500, code: 'INTERNAL', detail: 'internal error (see the log)' },
              });
            },
          )
          .finally(() => {
            if (start.exclusiveKey !== undefined) running.delete(start.exclusiveKey);
            forget(start.coopId);
          }),
      );
      return { job, started: true };
    },
    get: (id) => jobs.get(id),
    list: ({ coopId }) =>
      [...jobs.values()].filter((job) => coopId === undefined || job.coopId === coopId).reverse(),
    async settled(id) {
      await done.get(id);
      return jobs.get(id);
    },
  };
}
