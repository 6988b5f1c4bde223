import { t, type DashboardContext } from '../../dashboard-env.js';
import { fixText } from '../../fix-quality.js';
import type { DeviceHealth } from './device-health.js';

/** `2026-03-04 07:15 UTC`: ISO date and minute, the box's one clock (tables use ISO dates). */
export function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A number, or the dash for none. */
const num = (c: DashboardContext, value: number | null) =>
  value === null ? t(c, 'devices.none') : String(value);

function LastSeen(props: { c: DashboardContext; device: DeviceHealth }) {
  const { c, device } = props;
  if (device.lastSeenMs === null) return <>{t(c, 'devices.never')}</>;
  return (
    <>
      <time datetime={new Date(device.lastSeenMs).toISOString()}>
        {isoMinute(device.lastSeenMs)}
      </time>
      {device.stale ? <span class="flag">{` ${t(c, 'devices.stale')}`}</span> : null}
    </>
  );
}

/**
 * The cooperative's devices, one row each: the page's content and its own fallback (no chart).
 * Rows carry `data-device` and the last-seen cell `data-last-seen`, which the page's script
 * updates as live readings come.
 */
export function DeviceTable(props: {
  c: DashboardContext;
  devices: readonly DeviceHealth[];
  fieldNames: ReadonlyMap<string, string>;
}) {
  const { c, devices } = props;
  if (devices.length === 0) return <p id="no-devices">{t(c, 'devices.no-devices')}</p>;
  const staleCount = devices.filter((d) => d.stale).length;
  return (
    <div class="table-scroll" tabindex={0} role="region" aria-labelledby="devices-caption">
      <table id="devices-table" class="devices">
        <caption id="devices-caption">
          {t(c, 'devices.caption', { count: devices.length, stale: staleCount })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t(c, 'devices.id')}</th>
            <th scope="col">{t(c, 'devices.kind')}</th>
            <th scope="col">{t(c, 'devices.field')}</th>
            <th scope="col">{t(c, 'devices.last-seen')}</th>
            <th scope="col">{t(c, 'devices.battery')}</th>
            <th scope="col">{t(c, 'devices.signal')}</th>
            <th scope="col">{t(c, 'devices.fix')}</th>
            <th scope="col">{t(c, 'devices.rate')}</th>
            <th scope="col">{t(c, 'devices.dead-letters')}</th>
            <th scope="col">{t(c, 'devices.secret')}</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr data-device={device.id} class={device.stale ? 'stale' : undefined}>
              <th scope="row">{device.id}</th>
              <td>{t(c, `devices.kinds.${device.kind}`)}</td>
              <td>
                {device.fieldId === null ? (
                  t(c, 'devices.none')
                ) : (
                  <a href={`/fields/${device.fieldId}`}>
                    {props.fieldNames.get(device.fieldId) ?? device.fieldId}
                  </a>
                )}
                {device.zoneId === null ? null : ` · ${device.zoneId}`}
              </td>
              <td class="last-seen" data-last-seen={device.lastSeenMs ?? ''}>
                <LastSeen c={c} device={device} />
              </td>
              <td class="num">{num(c, device.batteryPct)}</td>
              <td class="num">{num(c, device.rssiDbm)}</td>
              <td>{fixText(c, device.fixQuality)}</td>
              <td class="num">
                {device.rateCapped
                  ? t(c, 'devices.rate-at-least', { rate: device.readingsPerHour.toFixed(1) })
                  : device.readingsPerHour.toFixed(1)}
              </td>
              <td class="num">
                {device.deadLetters}
                {device.lastDeadLetterMs === null ? null : (
                  <span class="sub">
                    {` ${t(c, 'devices.dead-letters-last', { time: isoMinute(device.lastDeadLetterMs) })}`}
                  </span>
                )}
              </td>
              <td>{t(c, device.hasSecret ? 'devices.secret-set' : 'devices.secret-none')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
