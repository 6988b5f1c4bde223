import type { Child } from 'hono/jsx';
import { t, type DashboardContext } from '../../dashboard-env.js';
import type { NdviPoint } from './ndvi-season.js';
import type { RawLine } from './raw-threshold.js';
import { SOIL_DEPTHS_CM, type SoilWaterSeason } from './soil-water.js';

/** A number for a table cell: fixed decimals, an en dash for "none". */
export const cell = (value: number | null | undefined, digits: number) =>
  value === null || value === undefined ? '–' : value.toFixed(digits);

/** The chart's table fallback: inside the figure, folded (the chart shows first when drawn). */
function Fallback(props: { c: DashboardContext; children: Child }) {
  return (
    <details class="chart-table">
      <summary>{t(props.c, 'app.table')}</summary>
      <div class="table-scroll">{props.children}</div>
    </details>
  );
}

/** Soil water content at each depth and daily rain, with FC and the RAW line (chart + table). */
export function SoilSection(props: { c: DashboardContext; season: SoilWaterSeason; raw: RawLine }) {
  const { c, season, raw } = props;
  const source = t(c, `field.soil.source-${raw.source}`);
  return (
    <section aria-labelledby="soil-heading" class="field-section">
      <h2 id="soil-heading">{t(c, 'field.soil.heading')}</h2>
      <p class="raw-note" id="raw-note">
        {t(c, 'field.soil.raw-note', {
          fc: raw.fieldCapacity.toFixed(3),
          wp: raw.wiltingPoint.toFixed(3),
          raw: raw.thetaRaw.toFixed(3),
          p: raw.depletionFraction.toFixed(2),
          zr: raw.rootDepthM.toFixed(2),
          source,
        })}
      </p>
      {season.days.length === 0 ? (
        <p class="empty">{t(c, 'field.soil.none')}</p>
      ) : (
        <figure class="chart" id="soil-chart">
          <figcaption>
            {t(c, 'field.soil.caption', { from: season.from, to: season.to })}
          </figcaption>
          <Fallback c={c}>
            <table id="soil-table">
              <caption>{t(c, 'field.soil.table-caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(c, 'field.date')}</th>
                  {SOIL_DEPTHS_CM.map((d) => (
                    <th scope="col" class="num">
                      {t(c, 'field.soil.vwc', { depth: d })}
                    </th>
                  ))}
                  <th scope="col" class="num">
                    {t(c, 'field.soil.rain')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {season.days.map((day) => (
                  <tr>
                    <th scope="row">{day.date}</th>
                    {SOIL_DEPTHS_CM.map((d) => (
                      <td
                        class={
                          (day.vwc[`vwc${d}`] ?? Infinity) < raw.thetaRaw ? 'num below-raw' : 'num'
                        }
                      >
                        {cell(day.vwc[`vwc${d}`], 3)}
                      </td>
                    ))}
                    <td class="num">{cell(day.rainMm, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Fallback>
        </figure>
      )}
      <p class="sources">
        {t(c, 'field.soil.sources', {
          stations: season.stationIds.join(', ') || '–',
          probes: season.probeIds.join(', ') || '–',
        })}
      </p>
      {raw.zones.length === 0 ? null : (
        <table id="raw-zones" class="compact">
          <caption>{t(c, 'field.soil.zones-caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t(c, 'field.zone')}</th>
              <th scope="col" class="num">
                TAW (mm)
              </th>
              <th scope="col" class="num">
                RAW (mm)
              </th>
              <th scope="col" class="num">
                Zr (m)
              </th>
              <th scope="col" class="num">
                {t(c, 'field.soil.theta-raw')}
              </th>
            </tr>
          </thead>
          <tbody>
            {raw.zones.map((z) => (
              <tr>
                <th scope="row">{z.zoneId}</th>
                <td class="num">{cell(z.tawMm, 1)}</td>
                <td class="num">{cell(z.rawMm, 1)}</td>
                <td class="num">{cell(z.rootDepthM, 2)}</td>
                <td class="num">{cell(z.thetaRaw, 3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** NDVI per overpass since sowing: observed, gap-filled over cloud, cloudy dates flagged. */
export function NdviSection(props: { c: DashboardContext; points: NdviPoint[] }) {
  const { c, points } = props;
  return (
    <section aria-labelledby="ndvi-heading" class="field-section">
      <h2 id="ndvi-heading">{t(c, 'field.ndvi.heading')}</h2>
      {points.length === 0 ? (
        <p class="empty">{t(c, 'field.ndvi.none')}</p>
      ) : (
        <figure class="chart" id="ndvi-chart">
          <figcaption>{t(c, 'field.ndvi.caption')}</figcaption>
          <Fallback c={c}>
            <table id="ndvi-table">
              <caption>{t(c, 'field.ndvi.table-caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(c, 'field.date')}</th>
                  <th scope="col" class="num">
                    NDVI
                  </th>
                  <th scope="col">{t(c, 'field.ndvi.quality')}</th>
                  <th scope="col">{t(c, 'field.ndvi.sky')}</th>
                  <th scope="col" class="num">
                    {t(c, 'field.ndvi.valid')}
                  </th>
                  <th scope="col">{t(c, 'field.ndvi.scene')}</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr class={p.quality}>
                    <th scope="row">{p.date}</th>
                    <td class="num">{cell(p.ndvi, 3)}</td>
                    <td>{t(c, `field.ndvi.${p.quality}`)}</td>
                    <td>{t(c, p.cloudy ? 'field.ndvi.cloudy' : 'field.ndvi.clear')}</td>
                    <td class="num">{cell(p.validFraction * 100, 0)}</td>
                    <td>{p.sceneId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Fallback>
        </figure>
      )}
    </section>
  );
}
