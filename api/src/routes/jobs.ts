import { createRoute, z } from '@hono/zod-openapi';
import { ShambaError, type Principal } from '@shamba/schemas';
import type { AppEnv } from '../auth/bearer-auth.js';
import { STAFF_ROLES } from '../auth/tenancy.js';
import { COMMON_PROBLEMS, idParam, json, openApiRoutes } from '../http/openapi.js';
import { NextSchema, pageOf, pageQuery } from '../http/pagination.js';
import { JobSchema, type Job, type Jobs } from '../jobs/jobs.js';

const TAGS = ['Jobs'];

/** Staff see their cooperative's jobs; admins every job, their shared ones included. */
function canSee(principal: Principal, job: Job): boolean {
  if (principal.role === 'admin') return true;
  return STAFF_ROLES.includes(principal.role) && job.coopId === principal.coopId;
}

const getJob = createRoute({
  method: 'get',
  path: '/jobs/{jobId}',
  tags: TAGS,
  summary: 'One job: state, progress, result or error (staff of its cooperative, admins)',
  description:
    'Long work (model training, zone delineation, scene registration) answers 202 with a job ' +
    'and `Location: /v1/jobs/{id}`; poll it until `state` is `succeeded` (its `result` is ' +
    'what the route would have answered) or `failed` (its `error`). Jobs are kept in memory: ' +
    'a restart forgets them, never what they saved.',
  request: { params: z.object({ jobId: idParam('The job.') }) },
  responses: { 200: { description: 'The job.', content: json(JobSchema) }, ...COMMON_PROBLEMS },
});

const listJobs = createRoute({
  method: 'get',
  path: '/jobs',
  tags: TAGS,
  summary: "Your cooperative's jobs, newest first (staff; admins all)",
  request: { query: pageQuery({ defaultLimit: 50, maxLimit: 200 }) },
  responses: {
    200: {
      description: 'A page of jobs.',
      content: json(z.object({ jobs: z.array(JobSchema), next: NextSchema })),
    },
    ...COMMON_PROBLEMS,
  },
});

/** `GET /v1/jobs/{id}` and `GET /v1/jobs`. Another cooperative's job is 404, as a missing one. */
export function jobRoutes(deps: { jobs: Jobs }) {
  return openApiRoutes<AppEnv>()
    .openapi(getJob, (c) => {
      const { jobId } = c.req.valid('param');
      const job = deps.jobs.get(jobId);
      if (job === undefined || !canSee(c.get('principal'), job))
        throw new ShambaError('NOT_FOUND', `no job ${jobId}`);
      return c.json(job, 200);
    })
    .openapi(listJobs, (c) => {
      const principal = c.get('principal');
      if (principal.role !== 'admin' && !STAFF_ROLES.includes(principal.role))
        throw new ShambaError(
          'NOT_AUTHORIZED',
          `this needs one of the roles: ${STAFF_ROLES.join(', ')}`,
        );
      const all = deps.jobs.list(principal.role === 'admin' ? {} : { coopId: principal.coopId });
      // Newest first: the key sorts by creation time descending, then id.
      const { items, next } = pageOf(
        all,
        (job) => [-Date.parse(job.createdAt), job.id],
        c.req.valid('query'),
      );
      return c.json({ jobs: items, next }, 200);
    });
}
