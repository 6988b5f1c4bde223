import type { Context } from 'hono';
import { z } from 'zod';
import { JobSchema, type Job } from './jobs.js';

/** What a route that started long work answers (202): the job, to follow at `Location`. */
export const JobAcceptedSchema = z.object({ job: JobSchema });

/** 202 Accepted (RFC 9110 §15.3.3) with the job and `Location: /v1/jobs/{id}`. */
export function acceptedJob(c: Context, job: Job) {
  c.header('location', `/v1/jobs/${job.id}`);
  return c.json({ job }, 202);
}
