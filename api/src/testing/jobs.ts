import type { Job } from '../jobs/jobs.js';

/**
 * Follows a 202's job to its end, as a client would: GET its `Location` until it is no longer
 * running (every 20 ms, for at most `timeoutMs`). Throws if the answer was not a 202 with a job.
 */
export async function followJob(
  get: (path: string) => Response | Promise<Response>,
  accepted: Response,
  timeoutMs = 120_000,
): Promise<Job> {
  const location = accepted.headers.get('location');
  if (accepted.status !== 202 || location === null)
    throw new Error(
      `expected 202 with a Location, got ${accepted.status}: ${await accepted.text()}`,
    );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await get(location);
    if (response.status !== 200)
      throw new Error(`GET ${location}: ${response.status} ${await response.text()}`);
    const job = (await response.json()) as Job;
    if (job.state !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`job ${job.id} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A started job's end as `[state, result]`, a failed one's as `[status, {status, code, detail}]`. */
export type JobAnswer = [number | 'succeeded', unknown];

/**
 * What a route that may start a job came to: a refusal before the work started is
 * `[status, body]`; a job is followed to its end: `['succeeded', result]` or
 * `[error status, error]` (the problem the work ended in: status, code, detail).
 */
export async function jobAnswer(
  get: (path: string) => Response | Promise<Response>,
  response: Response,
): Promise<JobAnswer> {
  if (response.status !== 202) return [response.status, await response.json()];
  const job = await followJob(get, response);
  return job.state === 'succeeded' ? ['succeeded', job.result] : [job.error!.status, job.error];
}
