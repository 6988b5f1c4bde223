import { Hono } from 'hono';
import { t, type DashboardDeps, type DashboardEnv } from '../dashboard-env.js';
import { fixText } from '../fix-quality.js';
import { Layout } from '../layout.js';
import { mapData, type MapDevice } from './map/map-data.js';

const COLOUR_BY = [
  { value: 'ndvi', key: 'map.by-ndvi' },
  { value: 'water', key: 'map.by-water' },
  { value: 'nitrogen', key: 'map.by-nitrogen' },
] as const;

const show = (value: number | null) => (value === null ? '–' : String(value));

/**
 * `/`: the cooperative's fields and zones over the newest clear NDVI image, coloured by NDVI or by
 * the newest prescription, with the devices where their BeiDou fixes put them. The tables below
 * the map say the same for keyboards, screen readers and browsers without scripts.
 */
export function mapPage(deps: DashboardDeps) {
  return new Hono<DashboardEnv>().get('/', async (c) => {
    const data = await mapData(deps, c.get('principal'));
    const newest = data.fields
      .map((f) => f.scene)
      .filter((s) => s !== null)
      .sort((a, b) => b.acquired.localeCompare(a.acquired))[0];
    const texts = Object.fromEntries(
      [
        'map.legend',
        'map.north',
        'map.by-ndvi',
        'map.by-water',
        'map.by-nitrogen',
        'map.fix-rtk-fixed',
        'map.fix-rtk-float',
        'map.fix-single',
        'map.fix-none',
        'map.moved',
        'map.devices',
        'app.no-data',
      ].map((key) => [key, t(c, key)]),
    );
    return c.html(
      <Layout
        c={c}
        deps={deps}
        title={t(c, 'map.title')}
        active="/"
        entry="map"
        data={{ ...data, texts }}
      >
        <p class="scene-note">
          {newest === undefined
            ? t(c, 'map.no-scene')
            : t(c, 'map.scene', { date: newest.acquired.slice(0, 10) })}
        </p>
        <fieldset class="colour-by">
          <legend>{t(c, 'map.colour-by')}</legend>
          {COLOUR_BY.map((option, i) => (
            <label>
              <input type="radio" name="colour-by" value={option.value} checked={i === 0} />
              {t(c, option.key)}
            </label>
          ))}
        </fieldset>
        <div id="map" class="map" role="region" aria-label={t(c, 'map.title')} />
        <div id="map-legend" class="map-legend" aria-hidden="true" />
        <h2>{t(c, 'map.field-list')}</h2>
        <div class="table-scroll">
          <table id="fields-table">
            <thead>
              <tr>
                <th scope="col">{t(c, 'map.field')}</th>
                <th scope="col">{t(c, 'map.crop')}</th>
                <th scope="col">{t(c, 'map.area')}</th>
                <th scope="col">{t(c, 'map.ndvi')}</th>
                <th scope="col">{t(c, 'map.water')}</th>
                <th scope="col">{t(c, 'map.nitrogen')}</th>
              </tr>
            </thead>
            <tbody>
              {data.fields.map((field) => (
                <tr data-field={field.id}>
                  <th scope="row">
                    <a href={`/fields/${encodeURIComponent(field.id)}`}>{field.name}</a>
                  </th>
                  <td>{field.crop}</td>
                  <td class="num">{field.areaHa.toFixed(2)}</td>
                  <td class="num">{show(field.ndvi)}</td>
                  <td class="num">{show(field.waterMm)}</td>
                  <td class="num">{show(field.nKgHa)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <DeviceTable c={c} devices={data.devices} />
      </Layout>,
    );
  });
}

function DeviceTable(props: { c: Parameters<typeof t>[0]; devices: MapDevice[] }) {
  const { c, devices } = props;
  if (devices.length === 0) return null;
  return (
    <>
      <h2>{t(c, 'map.devices')}</h2>
      <div class="table-scroll">
        <table id="device-positions">
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">{t(c, 'map.field')}</th>
              <th scope="col">GNSS</th>
              <th scope="col">°N / °E</th>
            </tr>
          </thead>
          <tbody>
            {devices.map((d) => (
              <tr class={d.movedM === null ? undefined : 'moved'}>
                <th scope="row">{d.id}</th>
                <td>{d.fieldId ?? '–'}</td>
                <td>
                  {fixText(c, d.fixQuality)}
                  {d.movedM === null ? null : (
                    <strong class="flag">{` · ${t(c, 'map.moved')} (${d.movedM} m)`}</strong>
                  )}
                </td>
                <td class="num">{`${d.latitudeDeg.toFixed(6)}, ${d.longitudeDeg.toFixed(6)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
