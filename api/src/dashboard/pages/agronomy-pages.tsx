import { Hono } from 'hono';
import type { DashboardDeps, DashboardEnv } from '../dashboard-env.js';
import { jobState, promoteModel, showModels, trainModel } from './agronomy/models-page.js';
import { publishParameters, showParameters } from './agronomy/parameters-page.js';
import { createTrainingJobs } from './agronomy/training-jobs.js';

/**
 * The agronomists' pages: the cooperative's crop parameter sets (view, compare two versions,
 * publish the next through a form bounded by the FAO-56 ranges) and its yield models (each
 * version's evaluation and calibration, train with a progress state, promote). Same roles and
 * tenancy as the API: staff of the cooperative read; agronomists and admins change.
 */
export function agronomyPages(deps: DashboardDeps) {
  const withJobs = { ...deps, jobs: createTrainingJobs(deps.clock, deps.logger) };
  return new Hono<DashboardEnv>()
    .get('/agronomy/parameters', (c) => showParameters(c, deps))
    .post('/agronomy/parameters', (c) => publishParameters(c, deps))
    .get('/agronomy/models', (c) => showModels(c, withJobs))
    .post('/agronomy/models/train', (c) => trainModel(c, withJobs))
    .post('/agronomy/models/:version/promote', (c) => promoteModel(c, withJobs))
    .get('/agronomy/models/jobs/:id', (c) => jobState(c, withJobs));
}
