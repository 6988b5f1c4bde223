import { CsrfField } from '../../layout.js';
import { t, type DashboardContext } from '../../dashboard-env.js';
import { NOMINAL_COVERAGE, type VersionSummary } from './model-summary.js';
import { CoopField, coopHref } from './page-coop.js';
import type { TrainingJob } from './training-jobs.js';
import { isoDay } from './parameters-view.js';

const pct = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100)} %`);
/** Evaluations are recorded to 3 decimals (t/ha: kilograms); shown no finer. */
const num = (value: number | null) =>
  value === null ? '-' : String(Math.round(value * 1000) / 1000);

/** Each version: its held-out evaluation beside FAO-33's, which one is in use, and promotion. */
export function VersionsTable(props: {
  c: DashboardContext;
  coopId: string;
  versions: VersionSummary[];
  canTrain: boolean;
}) {
  const { c, coopId, versions } = props;
  return (
    <div class="table-scroll">
      <table id="model-versions">
        <thead>
          <tr>
            <th scope="col">{t(c, 'agronomy.model-version')}</th>
            <th scope="col">{t(c, 'agronomy.trained')}</th>
            <th scope="col">{t(c, 'agronomy.seasons')}</th>
            <th scope="col">{t(c, 'agronomy.p50-rmse')}</th>
            <th scope="col">{t(c, 'agronomy.p50-mae')}</th>
            <th scope="col">{t(c, 'agronomy.fao33-rmse')}</th>
            <th scope="col">{t(c, 'agronomy.coverage')}</th>
            <th scope="col">{t(c, 'agronomy.status')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const e = v.evaluation;
            return (
              <tr class={v.inUse ? 'in-use' : undefined} data-version={v.version}>
                <th scope="row">
                  <a href={`#model-${v.version}`}>{v.version}</a>
                  {v.owner === null ? ` (${t(c, 'agronomy.shared')})` : ''}
                </th>
                <td>{v.savedAtMs === null ? '-' : isoDay(v.savedAtMs)}</td>
                <td class="num">{num(v.seasons)}</td>
                <td class="num">{num(e?.model.rmseTHa ?? null)}</td>
                <td class="num">{num(e?.model.maeTHa ?? null)}</td>
                <td class="num">{num(e?.fao33.rmseTHa ?? null)}</td>
                <td class="num">{pct(e?.model.p10p90Coverage ?? null)}</td>
                <td>
                  <VersionStatus c={c} coopId={coopId} version={v} canPromote={props.canTrain} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function VersionStatus(props: {
  c: DashboardContext;
  coopId: string;
  version: VersionSummary;
  canPromote: boolean;
}) {
  const { c, version: v } = props;
  if (v.inUse) return <strong class="badge">{t(c, 'agronomy.in-use')}</strong>;
  // The reason is long (it quotes both errors): it is under the version's calibration.
  if (v.promotionRefused !== null)
    return (
      <a class="refused" href={`#model-${v.version}`}>
        {t(c, 'agronomy.not-promotable-short')}
      </a>
    );
  if (!props.canPromote) return null;
  return (
    <form
      method="post"
      action={coopHref(
        c,
        props.coopId,
        `/agronomy/models/${encodeURIComponent(v.version)}/promote`,
      )}
      class="promote-form"
    >
      <CsrfField c={c} />
      <button type="submit">{t(c, 'agronomy.promote')}</button>
    </form>
  );
}

/**
 * A version's calibration: at each point of the season, the share of held-out truths inside its
 * P10-P90 band (the aim is 80 %) and its P50's error beside FAO-33's. The table is the chart's
 * fallback; the page's script draws the chart from the same numbers.
 */
export function CalibrationFigure(props: { c: DashboardContext; version: VersionSummary }) {
  const { c, version: v } = props;
  const rows = v.evaluation?.bySeasonFraction ?? [];
  return (
    <details class="model-detail" id={`model-${v.version}`} open={v.inUse}>
      <summary>
        {t(c, 'agronomy.calibration-of', { version: v.version })}
        {v.inUse ? ` (${t(c, 'agronomy.in-use')})` : ''}
      </summary>
      {v.promotionRefused === null ? null : (
        <p class="refused">{t(c, 'agronomy.not-promotable', { why: v.promotionRefused })}</p>
      )}
      <p class="help">
        {t(c, 'agronomy.trained-with', {
          seasons: v.seasons ?? '-',
          history: v.historySeasons ?? 0,
          seed: v.seed ?? '-',
          epochs: v.epochs ?? '-',
        })}
      </p>
      {rows.length === 0 ? (
        <p>{t(c, 'agronomy.no-evaluation')}</p>
      ) : (
        <figure class="chart calibration" id={`calibration-${v.version}`} data-version={v.version}>
          <figcaption>
            {t(c, 'agronomy.calibration-caption', { nominal: pct(NOMINAL_COVERAGE) })}
          </figcaption>
          <details>
            <summary>{t(c, 'app.table')}</summary>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t(c, 'agronomy.season-fraction')}</th>
                  <th scope="col">{t(c, 'agronomy.rows')}</th>
                  <th scope="col">{t(c, 'agronomy.nominal')}</th>
                  <th scope="col">{t(c, 'agronomy.observed')}</th>
                  <th scope="col">{t(c, 'agronomy.band-width')}</th>
                  <th scope="col">{t(c, 'agronomy.p50-rmse')}</th>
                  <th scope="col">{t(c, 'agronomy.fao33-rmse')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <th scope="row">{pct(r.seasonFraction)}</th>
                    <td class="num">{num(r.rows)}</td>
                    <td class="num">{pct(NOMINAL_COVERAGE)}</td>
                    <td class="num">{pct(r.coverage)}</td>
                    <td class="num">{num(r.meanBandTHa)}</td>
                    <td class="num">{num(r.modelRmseTHa)}</td>
                    <td class="num">{num(r.fao33RmseTHa)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </figure>
      )}
    </details>
  );
}

/**
 * Where a training stands. Training reports no progress until it is done, so the bar is
 * indeterminate (no `value`) and the text says for how long it has run; the page's script asks
 * the job's state every few seconds and reloads when it ends. Without the script: a reload link.
 */
export function TrainingStatus(props: {
  c: DashboardContext;
  coopId: string;
  job: TrainingJob;
  nowMs: number;
}) {
  const { c, job } = props;
  const seconds = Math.round(((job.finishedAtMs ?? props.nowMs) - job.startedAtMs) / 1000);
  const statusUrl = coopHref(c, props.coopId, `/agronomy/models/jobs/${job.id}`);
  const pageUrl = coopHref(c, props.coopId, `/agronomy/models?job=${job.id}`);
  return (
    <section
      id="training"
      class={`training ${job.state}`}
      data-state={job.state}
      data-status-url={statusUrl}
      aria-labelledby="training-title"
    >
      <h2 id="training-title">{t(c, 'agronomy.training-title')}</h2>
      {job.state === 'running' ? (
        <>
          <progress id="training-progress" aria-labelledby="training-text" />
          <p id="training-text" role="status">
            {t(c, 'agronomy.training-running', { seconds })}{' '}
            <a href={pageUrl} class="reload">
              {t(c, 'agronomy.reload')}
            </a>
          </p>
        </>
      ) : job.state === 'done' ? (
        <p id="training-text" role="status">
          {t(c, 'agronomy.training-done', { version: job.version ?? '-', seconds })}{' '}
          {job.promoted
            ? t(c, 'agronomy.training-promoted')
            : job.promotionRefused === null
              ? ''
              : t(c, 'agronomy.not-promotable', { why: job.promotionRefused })}
        </p>
      ) : (
        <p id="training-text" class="error" role="alert">
          {t(c, 'agronomy.training-failed', { error: job.error ?? '' })}
        </p>
      )}
    </section>
  );
}

/** The training form: the hyperparameters the API takes, with its defaults. */
export function TrainForm(props: { c: DashboardContext; coopId: string; disabled: boolean }) {
  const { c } = props;
  return (
    <section aria-labelledby="train-title">
      <h2 id="train-title">{t(c, 'agronomy.train-title')}</h2>
      <form method="post" action="/agronomy/models/train" id="train-form" class="train-form">
        <CsrfField c={c} />
        <CoopField c={c} coopId={props.coopId} />
        <p class="help">{t(c, 'agronomy.train-help')}</p>
        <label>
          <span>{t(c, 'agronomy.train-seasons')}</span>
          <input name="seasons" type="number" min="4" max="500" step="1" value="60" required />
        </label>
        <label>
          <span>{t(c, 'agronomy.train-seed')}</span>
          <input name="seed" type="number" min="0" step="1" value="1" required />
        </label>
        <label>
          <span>{t(c, 'agronomy.train-epochs')}</span>
          <input name="epochs" type="number" min="1" max="2000" step="1" placeholder="150" />
        </label>
        <label class="check">
          <input name="promote" type="checkbox" value="true" />
          <span>{t(c, 'agronomy.train-promote')}</span>
        </label>
        <button type="submit" disabled={props.disabled}>
          {t(c, 'agronomy.train-submit')}
        </button>
      </form>
    </section>
  );
}
