import { ShambaError, isShambaError } from '@shamba/schemas';
import { requireRole } from '../../../auth/tenancy.js';
import { TRAINERS, TrainRequestSchema, type YieldModels } from '../../../routes/models.js';
import { t, type DashboardContext, type DashboardDeps } from '../../dashboard-env.js';
import { Layout } from '../../layout.js';
import { chartData, summarize } from './model-summary.js';
import { CalibrationFigure, TrainForm, TrainingStatus, VersionsTable } from './models-view.js';
import { pageCoop } from '../../page-coop.js';
import { CoopChooser, coopHref } from './page-coop.js';
import type { TrainingJob, TrainingJobs } from './training-jobs.js';

const PATH = '/agronomy/models';

export interface ModelsPageDeps extends DashboardDeps {
  jobs: TrainingJobs;
}

function modelsOf(deps: DashboardDeps): YieldModels {
  if (deps.models === undefined)
    throw new ShambaError('NOT_FOUND', 'yield models are not running on this box');
  return deps.models;
}

/**
 * The cooperative's versions (its own and the shared ones) with their evaluations, the one in
 * use, a training's state (`?job=`, else any running one), and for trainers the forms.
 * `error`: a refused training or promotion, shown above (the page then answers 400).
 */
async function modelsPage(
  c: DashboardContext,
  deps: ModelsPageDeps,
  options: { coopId: string; error?: string },
) {
  const { coopId } = options;
  const title = t(c, 'agronomy.models-title');
  if (deps.models === undefined)
    return (
      <Layout c={c} deps={deps} title={title} active={PATH}>
        <p class="notice" id="models-unavailable">
          {t(c, 'agronomy.models-unavailable')}
        </p>
      </Layout>
    );
  const [entries, inUse] = await Promise.all([
    deps.models.list({ owner: coopId }),
    deps.models.inUse(coopId),
  ]);
  // Newest first, as the parameter sets.
  const versions = entries.map((e) => summarize(e, inUse?.version ?? null)).reverse();
  const jobId = c.req.query('job');
  const job: TrainingJob | undefined =
    (jobId === undefined ? undefined : deps.jobs.get(coopId, jobId)) ?? deps.jobs.running(coopId);
  // Who trains and promotes (the API's rule); managers see the evaluations.
  const canTrain = TRAINERS.includes(c.get('principal').role);
  const promoted = c.req.query('promoted');
  return (
    <Layout
      c={c}
      deps={deps}
      title={title}
      active={PATH}
      entry="agronomy"
      data={{
        charts: versions.map(chartData),
        labels: {
          observed: t(c, 'agronomy.observed'),
          nominal: t(c, 'agronomy.nominal'),
          modelRmse: t(c, 'agronomy.p50-rmse'),
          fao33Rmse: t(c, 'agronomy.fao33-rmse'),
          coverageAxis: t(c, 'agronomy.coverage-axis'),
          rmseAxis: t(c, 'agronomy.rmse-axis'),
          chart: t(c, 'agronomy.calibration-chart', { version: '{version}' }),
          running: t(c, 'agronomy.training-running', { seconds: '{seconds}' }),
        },
      }}
    >
      {options.error === undefined ? null : (
        <p class="error" role="alert" id="models-error">
          {options.error}
        </p>
      )}
      {promoted === undefined ? null : (
        <p class="notice" role="status" id="promoted">
          {t(c, 'agronomy.promoted-notice', { version: promoted })}
        </p>
      )}
      <p id="in-use">
        {inUse === null
          ? t(c, 'agronomy.none-in-use')
          : t(c, 'agronomy.in-use-is', { version: inUse.version })}
      </p>
      {job === undefined ? null : (
        <TrainingStatus c={c} coopId={coopId} job={job} nowMs={deps.clock()} />
      )}
      {versions.length === 0 ? (
        <p id="no-models">{t(c, 'agronomy.no-models')}</p>
      ) : (
        <>
          <VersionsTable c={c} coopId={coopId} versions={versions} canTrain={canTrain} />
          {versions.map((v) => (
            <CalibrationFigure c={c} version={v} />
          ))}
        </>
      )}
      {canTrain ? <TrainForm c={c} coopId={coopId} disabled={job?.state === 'running'} /> : null}
    </Layout>
  );
}

/** The page's cooperative for a POST: the form's `coop` (an admin's) or the query's. */
async function postCoop(c: DashboardContext, deps: DashboardDeps): Promise<string> {
  requireRole(c.get('principal'), TRAINERS);
  const form = await c.req.parseBody();
  const named = typeof form.coop === 'string' ? form.coop : undefined;
  const coopId = await pageCoop(c, deps, named);
  if (coopId === null) throw new ShambaError('INVALID_REQUEST', 'name the cooperative');
  return coopId;
}

/** `GET /agronomy/models`. */
export async function showModels(c: DashboardContext, deps: ModelsPageDeps) {
  const coopId = await pageCoop(c, deps);
  if (coopId === null)
    return c.html(
      <Layout c={c} deps={deps} title={t(c, 'agronomy.models-title')} active={PATH}>
        <CoopChooser c={c} coops={await deps.registry.coops.list()} path={PATH} />
      </Layout>,
    );
  return c.html(modelsPage(c, deps, { coopId }));
}

/**
 * `POST /agronomy/models/train`: the API's train request (same schema, the cooperative's own
 * version), started as a job; the browser goes to the page, which shows it running.
 */
export async function trainModel(c: DashboardContext, deps: ModelsPageDeps) {
  const coopId = await postCoop(c, deps);
  const models = modelsOf(deps);
  const form = await c.req.parseBody();
  const numberOr = (name: string) =>
    typeof form[name] === 'string' && form[name] !== '' ? Number(form[name]) : undefined;
  const parsed = TrainRequestSchema.safeParse({
    ...(numberOr('seasons') === undefined ? {} : { seasons: numberOr('seasons') }),
    ...(numberOr('seed') === undefined ? {} : { seed: numberOr('seed') }),
    ...(numberOr('epochs') === undefined ? {} : { epochs: numberOr('epochs') }),
    promote: form.promote === 'true',
    coopId,
  });
  if (!parsed.success) {
    const error = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return c.html(modelsPage(c, deps, { coopId, error }), 400);
  }
  const { job } = deps.jobs.start(coopId, () => models.train(parsed.data, coopId));
  return c.redirect(coopHref(c, coopId, `${PATH}?job=${job.id}`), 303);
}

/** `POST /agronomy/models/:version/promote`; a refused promotion is the page again, 400. */
export async function promoteModel(c: DashboardContext, deps: ModelsPageDeps) {
  const coopId = await postCoop(c, deps);
  const version = c.req.param('version') ?? '';
  try {
    await modelsOf(deps).promote(coopId, version);
  } catch (error) {
    if (!isShambaError(error, 'INVALID_REQUEST')) throw error;
    return c.html(modelsPage(c, deps, { coopId, error: error.message }), 400);
  }
  return c.redirect(coopHref(c, coopId, `${PATH}?promoted=${encodeURIComponent(version)}`), 303);
}

/** `GET /agronomy/models/jobs/:id`: a training's state, for the page's script to poll. */
export async function jobState(c: DashboardContext, deps: ModelsPageDeps) {
  const coopId = await pageCoop(c, deps);
  const job = coopId === null ? undefined : deps.jobs.get(coopId, c.req.param('id') ?? '');
  if (job === undefined) throw new ShambaError('NOT_FOUND', 'no such training');
  const seconds = Math.round(((job.finishedAtMs ?? deps.clock()) - job.startedAtMs) / 1000);
  return c.json({ ...job, seconds });
}
