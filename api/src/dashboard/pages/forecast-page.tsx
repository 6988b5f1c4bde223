import { Hono } from 'hono';
import { z } from 'zod';
import { IdSchema, ShambaError } from '@shamba/schemas';
import {
  t,
  type DashboardContext,
  type DashboardDeps,
  type DashboardEnv,
} from '../dashboard-env.js';
import { Layout } from '../layout.js';
import { forecastCsv } from './forecast/forecast-csv.js';
import { CropTable, FieldTable, SeasonTable } from './forecast/forecast-tables.js';
import { fieldsInView, loadForecastView, type ForecastView } from './forecast/forecast-view.js';
import { createSeasonPointCache } from './forecast/season-cache.js';
import type { SeasonPoint } from './forecast/season-points.js';

/**
 * How long the page waits for season points not cached yet before it answers with those it has
 * (the rest go on in the background, for the next load): about a second, as a page should.
 */
const SEASON_WAIT_MS = 750;

/** `?coop=`: which cooperative an admin looks at (staff may name only their own). */
const ForecastQuerySchema = z.object({ coop: IdSchema.optional() });

function coopQuery(c: DashboardContext): string | undefined {
  const parsed = ForecastQuerySchema.safeParse({ coop: c.req.query('coop') });
  // A malformed id names no cooperative: as for another cooperative's, there is none.
  if (!parsed.success) throw new ShambaError('NOT_FOUND', 'no such cooperative');
  return parsed.data.coop;
}

/**
 * The forecast page (issue 17): each field's yield band through its season with FAO-33 beside
 * it, the cooperative's production by crop with its P10-P90 range, and both as CSV. Tables are
 * rendered here; `forecast.ts` draws the charts from the page's data.
 */
export function forecastPages(deps: DashboardDeps) {
  // One per app: past weeks' forecasts outlive a page load (see season-cache.ts).
  const seasonCache = createSeasonPointCache<SeasonPoint>({ clock: deps.clock });
  const load = (c: DashboardContext, season: boolean) =>
    loadForecastView({
      ...(season ? { season: { cache: seasonCache, waitMs: SEASON_WAIT_MS } } : {}),
      registry: deps.registry,
      forecasts: deps.forecasts!,
      principal: c.get('principal'),
      coopQuery: coopQuery(c),
      clock: deps.clock,
    });
  return new Hono<DashboardEnv>()
    .get('/forecast', async (c) => {
      if (deps.forecasts === undefined) {
        // Who may see the page is checked all the same: a refusal does not depend on the box.
        await fieldsInView(deps.registry, c.get('principal'), coopQuery(c));
        return c.html(
          <Layout c={c} deps={deps} title={t(c, 'forecast.title')} active="/forecast">
            <p class="notice" role="status" id="forecast-off">
              {t(c, 'forecast.not-running')}
            </p>
          </Layout>,
        );
      }
      const view = await load(c, true);
      const coops =
        c.get('principal').role === 'admin' ? await deps.registry.coops.list() : undefined;
      return c.html(
        <Layout
          c={c}
          deps={deps}
          title={t(c, 'forecast.title')}
          active="/forecast"
          entry="forecast"
          data={pageData(c, view)}
        >
          <ForecastBody c={c} view={view} coops={coops} />
        </Layout>,
      );
    })
    .get('/forecast.csv', async (c) => {
      if (deps.forecasts === undefined) {
        await fieldsInView(deps.registry, c.get('principal'), coopQuery(c));
        throw new ShambaError('NOT_FOUND', 'forecasts are not running on this box');
      }
      const view = await load(c, false);
      const name = `forecast-${view.coopId ?? 'my-fields'}-${view.asOfDate}.csv`;
      return c.body(forecastCsv(view), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${name}"`,
        'cache-control': 'no-store',
      });
    });
}

function ForecastBody(props: {
  c: DashboardContext;
  view: ForecastView;
  coops: { id: string; name: string }[] | undefined;
}) {
  const { c, view, coops } = props;
  const csvHref =
    view.coopId === null
      ? '/forecast.csv'
      : `/forecast.csv?coop=${encodeURIComponent(view.coopId)}`;
  const missing = view.fields.filter((f) => f.status !== 'ok').length;
  return (
    <>
      <p class="forecast-meta">
        <span>{t(c, 'forecast.as-of', { date: view.asOfDate })}</span>
        {view.modelVersion === null ? null : (
          <span>{` · ${t(c, 'forecast.model', { version: view.modelVersion })}`}</span>
        )}
        {' · '}
        <a href={csvHref} download id="forecast-csv">
          {t(c, 'forecast.download')}
        </a>
      </p>
      {coops === undefined ? null : (
        <form method="get" action="/forecast" class="coop-picker">
          <label>
            <span>{t(c, 'forecast.coop')}</span>
            <select name="coop">
              {coops.map((coop) => (
                <option value={coop.id} selected={coop.id === view.coopId}>
                  {coop.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">{t(c, 'forecast.show')}</button>
        </form>
      )}
      {view.coopId === null ? <p>{t(c, 'forecast.own-fields')}</p> : null}
      {view.modelVersion === null && view.fields.length > 0 ? (
        <p class="notice" role="status" id="forecast-no-model">
          {t(c, 'forecast.no-model')}
        </p>
      ) : null}
      {view.fields.length === 0 ? (
        <p class="notice" id="forecast-none">
          {t(c, 'forecast.none')}
        </p>
      ) : (
        <>
          <section aria-labelledby="production-heading">
            <h2 id="production-heading">{t(c, 'forecast.production')}</h2>
            <figure class="chart" id="production-chart">
              <figcaption>{t(c, 'forecast.production-chart')}</figcaption>
              <details open>
                <summary>{t(c, 'app.table')}</summary>
                <CropTable c={c} crops={view.crops} />
              </details>
            </figure>
            <p class="method">{t(c, 'forecast.production-method')}</p>
          </section>
          <section aria-labelledby="season-heading">
            <h2 id="season-heading">{t(c, 'forecast.season')}</h2>
            <p class="method">{t(c, 'forecast.season-points')}</p>
            <figure class="chart" id="season-chart">
              <figcaption>{t(c, 'forecast.season-caption')}</figcaption>
              <label class="season-pick" hidden>
                <span>{t(c, 'forecast.choose-field')}</span>
                <select id="season-field">
                  {view.fields.map((f) => (
                    <option value={f.fieldId}>{`${f.name} (${f.crop})`}</option>
                  ))}
                </select>
              </label>
              <details>
                <summary>{t(c, 'app.table')}</summary>
                <SeasonTable c={c} fields={view.fields} />
              </details>
            </figure>
          </section>
          <section aria-labelledby="fields-heading">
            <h2 id="fields-heading">{t(c, 'forecast.fields')}</h2>
            {missing === 0 ? null : <p>{t(c, 'forecast.without-forecast', { count: missing })}</p>}
            <FieldTable c={c} fields={view.fields} />
          </section>
        </>
      )}
    </>
  );
}

/** What `forecast.ts` draws: the series in numbers, its labels already in the user's language. */
function pageData(c: DashboardContext, view: ForecastView) {
  return {
    labels: {
      p10: t(c, 'forecast.p10'),
      p50: t(c, 'forecast.p50'),
      p90: t(c, 'forecast.p90'),
      band: t(c, 'forecast.band'),
      fao33THa: t(c, 'forecast.fao33-t-ha'),
      fao33T: t(c, 'forecast.fao33-t'),
      yieldAxis: t(c, 'forecast.yield-axis'),
      productionAxis: t(c, 'forecast.production-axis'),
      sowing: t(c, 'forecast.sowing'),
      harvest: t(c, 'forecast.harvest'),
      productionChart: t(c, 'forecast.production-chart'),
      knownAtSowing: t(c, 'forecast.known-at-sowing'),
      knownSeasonToDate: t(c, 'forecast.known-season-to-date'),
    },
    asOfDate: view.asOfDate,
    /** Past season points still being computed (a reload shows them). */
    seasonComputing: view.seasonComputing,
    fields: view.fields.map((f) => ({
      id: f.fieldId,
      name: f.name,
      plantingDate: f.plantingDate,
      harvestDate: f.harvestDate,
      chartLabel: t(c, 'forecast.season-chart', { field: f.name }),
      season: f.season,
    })),
    crops: view.crops.map((crop) => ({
      crop: crop.crop,
      p10: crop.productionT.p10,
      p50: crop.productionT.p50,
      p90: crop.productionT.p90,
      fao33: crop.fao33T,
    })),
  };
}

/** The shape of the page's data, for the client script's type. */
export type ForecastPageData = ReturnType<typeof pageData>;
