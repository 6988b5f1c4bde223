import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isShambaError } from '@shamba/schemas';

/**
 * A training started from the dashboard. `YieldModels.train` answers only when the version is
 * saved (seconds to minutes in a worker) and reports no progress on the way, so the page holds
 * the promise here and shows its state: running (for how long), done (the version), or failed.
 */
export interface TrainingJob {
  id: string;
  coopId: string;
  startedAtMs: number;
  state: 'running' | 'done' | 'failed';
  finishedAtMs: number | null;
  /** Done: the version saved, whether it was promoted, and why not if promotion was refused. */
  version: string | null;
  promoted: boolean;
  promotionRefused: string | null;
  /** Failed: why, as the models service said it (a ShambaError's message), else a plain line. */
  error: string | null;
}

export interface TrainingJobs {
  /** Starts `train` for the cooperative, unless one of its trainings is still running. */
  start(
    coopId: string,
    train: () => Promise<Record<string, unknown>>,
  ): { job: TrainingJob; started: boolean };
  /** The job, if it is the cooperative's (another's looks the same as none). */
  get(coopId: string, id: string): TrainingJob | undefined;
  /** The cooperative's running job, if any. */
  running(coopId: string): TrainingJob | undefined;
}

/**
 * Finished jobs kept for their pages: a cooperative trains a few times a season, so 50 cover
 * every recent one while bounding memory.
 */
const KEPT_JOBS = 50;

/**
 * The dashboard's trainings, in memory: a restart loses the record of a running one (its worker
 * goes with the process) but never a saved version, which the model store lists.
 */
export function createTrainingJobs(clock: () => number, logger?: Logger): TrainingJobs {
  const jobs = new Map<string, TrainingJob>();
  const forget = () => {
    for (const [id, job] of jobs) {
      if (jobs.size <= KEPT_JOBS) break;
      if (job.state !== 'running') jobs.delete(id);
    }
  };
  const running = (coopId: string) =>
    [...jobs.values()].find((j) => j.coopId === coopId && j.state === 'running');
  return {
    start(coopId, train) {
      const busy = running(coopId);
      // One at a time per cooperative: training is CPU-bound in a small worker pool.
      if (busy !== undefined) return { job: busy, started: false };
      const job: TrainingJob = {
        id: randomUUID(),
        coopId,
        startedAtMs: clock(),
        state: 'running',
        finishedAtMs: null,
        version: null,
        promoted: false,
        promotionRefused: null,
        error: null,
      };
      jobs.set(job.id, job);
      forget();
      train().then(
        (result) => {
          job.state = 'done';
          job.finishedAtMs = clock();
          job.version = typeof result.version === 'string' ? result.version : null;
          job.promoted = result.promoted === true;
          job.promotionRefused =
            typeof result.promotionRefused === 'string' ? result.promotionRefused : null;
        },
        (error: unknown) => {
          job.state = 'failed';
          job.finishedAtMs = clock();
          if (!isShambaError(error))
            logger?.error({ err: error, coopId }, 'dashboard training failed');
          job.error = isShambaError(error) ? error.message : 'training failed (see the box’s log)';
        },
      );
      return { job, started: true };
    },
    get(coopId, id) {
      const job = jobs.get(id);
      return job?.coopId === coopId ? job : undefined;
    },
    running,
  };
}
