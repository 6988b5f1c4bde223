import { LIVE_EVENT, type LiveEvent } from './live.js';
import { pageData } from './page-data.js';
import './styles/devices.css';

// The devices page's script: the table is the server's; this keeps its "last seen" column live
// (a reading arrives: the time moves, the stale mark goes; a device goes quiet: the mark comes).

interface DevicesPageData {
  staleAfterMs: number;
  staleText: string;
  devices: { id: string; lastSeenMs: number | null }[];
}

/** Re-check the stale marks this often: the mark is about hours, a minute is exact enough. */
const RECHECK_MS = 60_000;

const data = pageData<Partial<DevicesPageData>>();
const staleAfterMs = data.staleAfterMs ?? 2 * 3_600_000;
const staleText = data.staleText ?? 'stale';

/** As the server writes it: `2026-03-04 07:15 UTC`. */
const isoMinute = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function rowOf(deviceId: string): HTMLTableRowElement | null {
  return document.querySelector<HTMLTableRowElement>(
    `#devices-table tr[data-device="${CSS.escape(deviceId)}"]`,
  );
}

function markStale(row: HTMLTableRowElement, cell: HTMLTableCellElement, stale: boolean): void {
  row.classList.toggle('stale', stale);
  const flag = cell.querySelector('.flag');
  if (stale && flag === null) {
    const mark = document.createElement('span');
    mark.className = 'flag';
    mark.textContent = ` ${staleText}`;
    cell.append(mark);
  } else if (!stale) flag?.remove();
}

/** A reading came: the device's last-seen cell shows its time, and it is no longer stale. */
function seen(deviceId: string, timeMs: number): void {
  const row = rowOf(deviceId);
  const cell = row?.querySelector<HTMLTableCellElement>('td.last-seen');
  if (row == null || cell == null) return;
  if (Number(cell.dataset.lastSeen || -Infinity) >= timeMs) return;
  cell.dataset.lastSeen = String(timeMs);
  const time = document.createElement('time');
  time.dateTime = new Date(timeMs).toISOString();
  time.textContent = isoMinute(timeMs);
  cell.replaceChildren(time);
  markStale(row, cell, Date.now() - timeMs > staleAfterMs);
  row.classList.add('fresh');
  setTimeout(() => row.classList.remove('fresh'), 3_000);
}

/** Devices quiet for longer than the page's threshold get the stale mark, as on the server. */
function recheck(): void {
  for (const cell of document.querySelectorAll<HTMLTableCellElement>(
    '#devices-table td.last-seen',
  )) {
    const row = cell.closest('tr');
    const lastSeenMs = Number(cell.dataset.lastSeen || NaN);
    if (row !== null && Number.isFinite(lastSeenMs))
      markStale(row, cell, Date.now() - lastSeenMs > staleAfterMs);
  }
}

document.addEventListener(LIVE_EVENT, (event) => {
  const live = (event as CustomEvent<LiveEvent>).detail;
  if (live.type === 'reading') seen(live.data.deviceId, live.data.timeMs);
  else if (live.type === 'alert' && live.data.kind === 'silent') {
    const row = rowOf(live.data.deviceId);
    const cell = row?.querySelector<HTMLTableCellElement>('td.last-seen');
    if (row != null && cell != null) markStale(row, cell, true);
  }
});
setInterval(recheck, RECHECK_MS);
