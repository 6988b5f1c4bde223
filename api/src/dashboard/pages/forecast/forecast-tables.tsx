import type { CropProduction } from '@shamba/analytics';
import { t, type DashboardContext } from '../../dashboard-env.js';
import type { FieldView } from './forecast-view.js';

/**
 * The page's tables, rendered on the server: what the charts draw, readable without script and
 * by a screen reader (each chart's fallback, in its figure's `<details>`).
 */

/** Numbers as the user's language writes them, at most `digits` decimals; empty for none. */
export function numberIn(c: DashboardContext, value: number | null | undefined, digits = 2) {
  if (value === null || value === undefined) return '';
  return new Intl.NumberFormat(c.get('language'), { maximumFractionDigits: digits }).format(value);
}

/** Production by crop: P10/P50/P90 tonnes with FAO-33 beside them. */
export function CropTable(props: { c: DashboardContext; crops: readonly CropProduction[] }) {
  const { c } = props;
  const n = (v: number | null | undefined, d = 2) => numberIn(c, v, d);
  return (
    <div class="table-scroll">
      <table class="forecast-crops">
        <caption>{t(c, 'forecast.production')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(c, 'forecast.crop')}</th>
            <th scope="col">{t(c, 'forecast.fields-count')}</th>
            <th scope="col">{t(c, 'forecast.forecast-fields')}</th>
            <th scope="col">{t(c, 'forecast.area')}</th>
            <th scope="col">{t(c, 'forecast.p10-t')}</th>
            <th scope="col">{t(c, 'forecast.p50-t')}</th>
            <th scope="col">{t(c, 'forecast.p90-t')}</th>
            <th scope="col">{t(c, 'forecast.fao33-t')}</th>
          </tr>
        </thead>
        <tbody>
          {props.crops.map((crop) => (
            <tr data-crop={crop.crop}>
              <th scope="row">{crop.crop}</th>
              <td class="num">{crop.fields}</td>
              <td class="num">{crop.forecastFields}</td>
              <td class="num">{n(crop.areaHa, 3)}</td>
              <td class="num">{n(crop.productionT.p10)}</td>
              <td class="num">{n(crop.productionT.p50)}</td>
              <td class="num">{n(crop.productionT.p90)}</td>
              <td class="num">{n(crop.fao33T)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every field's forecast today: yield and production quantiles, FAO-33, or why there is none. */
export function FieldTable(props: { c: DashboardContext; fields: readonly FieldView[] }) {
  const { c } = props;
  const n = (v: number | null | undefined, d = 2) => numberIn(c, v, d);
  return (
    <div class="table-scroll">
      <table class="forecast-fields">
        <caption>{t(c, 'forecast.fields')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(c, 'forecast.field')}</th>
            <th scope="col">{t(c, 'forecast.crop')}</th>
            <th scope="col">{t(c, 'forecast.area')}</th>
            <th scope="col">{t(c, 'forecast.p10-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.p50-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.p90-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.fao33-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.p10-t')}</th>
            <th scope="col">{t(c, 'forecast.p50-t')}</th>
            <th scope="col">{t(c, 'forecast.p90-t')}</th>
            <th scope="col">{t(c, 'forecast.status')}</th>
          </tr>
        </thead>
        <tbody>
          {props.fields.map((f) => (
            <tr data-field={f.fieldId}>
              <th scope="row">
                <a href={`/fields/${encodeURIComponent(f.fieldId)}`}>{f.name}</a>
              </th>
              <td>{f.crop}</td>
              <td class="num">{n(f.areaHa, 3)}</td>
              <td class="num">{n(f.yieldTHa?.p10)}</td>
              <td class="num">{n(f.yieldTHa?.p50)}</td>
              <td class="num">{n(f.yieldTHa?.p90)}</td>
              <td class="num">{n(f.fao33?.yieldTHa)}</td>
              <td class="num">{n(f.productionT?.p10)}</td>
              <td class="num">{n(f.productionT?.p50)}</td>
              <td class="num">{n(f.productionT?.p90)}</td>
              <td>
                {t(c, `forecast.status-${f.status}`)}
                {f.reason === null ? null : <span class="reason">{`: ${f.reason}`}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The season chart's values: each field's forecasts at sowing and today. */
export function SeasonTable(props: { c: DashboardContext; fields: readonly FieldView[] }) {
  const { c } = props;
  const n = (v: number | null | undefined) => numberIn(c, v);
  return (
    <div class="table-scroll">
      <table class="forecast-season">
        <caption>{t(c, 'forecast.season')}</caption>
        <thead>
          <tr>
            <th scope="col">{t(c, 'forecast.field')}</th>
            <th scope="col">{t(c, 'forecast.date')}</th>
            <th scope="col">{t(c, 'forecast.known')}</th>
            <th scope="col">{t(c, 'forecast.p10-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.p50-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.p90-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.fao33-t-ha')}</th>
            <th scope="col">{t(c, 'forecast.harvest')}</th>
          </tr>
        </thead>
        <tbody>
          {props.fields.flatMap((f) =>
            f.season.map((p) => (
              <tr data-field={f.fieldId} data-date={p.date}>
                <th scope="row">{f.name}</th>
                <td>{p.date}</td>
                <td>{t(c, `forecast.known-${p.known}`)}</td>
                <td class="num">{n(p.p10)}</td>
                <td class="num">{n(p.p50)}</td>
                <td class="num">{n(p.p90)}</td>
                <td class="num">{n(p.fao33THa)}</td>
                <td>{f.harvestDate}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}
