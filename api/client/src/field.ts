import type uPlot from 'uplot';
import { dayToSeconds, drawChart } from './charts.js';
import { LIVE_EVENT, type LiveEvent } from './live.js';
import './styles/field.css';
import { pageData } from './page-data.js';

/** What the server embeds (`FieldPageData` in api/src/dashboard/pages/field-page.tsx). */
interface FieldPageData {
  fieldId: string;
  /** The probes and stations behind the soil chart: their new readings refresh it. */
  deviceIds: string[];
  soil: {
    dates: string[];
    vwc10: (number | null)[];
    vwc30: (number | null)[];
    vwc60: (number | null)[];
    rainMm: (number | null)[];
    fieldCapacity: number;
    thetaRaw: number;
  };
  ndvi: {
    dates: string[];
    values: (number | null)[];
    quality: ('observed' | 'gap-filled' | 'missing')[];
    cloudy: boolean[];
  };
  labels: Record<string, string>;
}

// Colours distinguishable with the common colour-vision deficiencies (Okabe-Ito palette), and
// each with at least 3:1 contrast on white for lines (WCAG 2.1 SC 1.4.11).
const COLOURS = {
  vwc10: '#0072B2',
  vwc30: '#D55E00',
  vwc60: '#009E73',
  rain: 'rgba(86, 180, 233, 0.55)',
  fc: '#1a1a1a',
  raw: '#CC79A7',
  ndvi: '#2E7D32',
  cloud: '#777777',
};

function readData(root: ParentNode = document): FieldPageData | undefined {
  return root.querySelector('#page-data') === null ? undefined : pageData<FieldPageData>(root);
}

function soilChart(data: FieldPageData, label: (key: string) => string): uPlot | undefined {
  const figure = document.getElementById('soil-chart');
  if (figure === null || data.soil.dates.length === 0) return undefined;
  const { soil } = data;
  const flat = (v: number) => soil.dates.map(() => v);
  return drawChart(figure, {
    x: soil.dates.map(dayToSeconds),
    xStepSeconds: 86_400,
    ariaLabel: label('soil.chart-label'),
    yLabel: label('soil.axis-vwc'),
    y2Label: label('soil.axis-rain'),
    series: [
      {
        label: label('soil.rain'),
        values: soil.rainMm,
        color: COLOURS.rain,
        kind: 'bars',
        scale: 'y2',
      },
      { label: label('soil.vwc10'), values: soil.vwc10, color: COLOURS.vwc10 },
      { label: label('soil.vwc30'), values: soil.vwc30, color: COLOURS.vwc30 },
      { label: label('soil.vwc60'), values: soil.vwc60, color: COLOURS.vwc60 },
      {
        label: label('soil.fc'),
        values: flat(soil.fieldCapacity),
        color: COLOURS.fc,
        dash: [8, 4],
      },
      { label: label('soil.raw'), values: flat(soil.thetaRaw), color: COLOURS.raw, dash: [3, 3] },
    ],
  });
}

function ndviChart(data: FieldPageData, label: (key: string) => string): uPlot | undefined {
  const figure = document.getElementById('ndvi-chart');
  if (figure === null || data.ndvi.dates.length === 0) return undefined;
  const { ndvi } = data;
  const x = ndvi.dates.map(dayToSeconds);
  return drawChart(figure, {
    x,
    xStepSeconds: 86_400,
    ariaLabel: label('ndvi.chart-label'),
    yLabel: 'NDVI',
    yRange: [0, 1],
    series: [
      {
        label: label('ndvi.series'),
        values: ndvi.values,
        color: COLOURS.ndvi,
        pointClasses: ndvi.quality,
      },
    ],
    pointStyles: {
      observed: { label: label('ndvi.observed'), stroke: COLOURS.ndvi, fill: COLOURS.ndvi },
      'gap-filled': {
        label: label('ndvi.gap-filled'),
        stroke: COLOURS.ndvi,
        fill: null,
        sizePx: 9,
      },
    },
    markers: x.filter((_, i) => ndvi.cloudy[i]).map((at) => ({ x: at, color: COLOURS.cloud })),
  });
}

let plots: uPlot[] = [];

function draw(data: FieldPageData): void {
  for (const plot of plots) plot.destroy();
  const label = (key: string) => data.labels[key] ?? key;
  plots = [soilChart(data, label), ndviChart(data, label)].filter(
    (p): p is uPlot => p !== undefined,
  );
}

/**
 * Live: the server renders the page again and the changed sections are swapped in (one renderer,
 * the server's; the tables stay the charts' fallback). A new prescription for this field
 * refreshes the prescriptions and replies; a reading from one of its probes or stations, the
 * season (at most once a minute: a probe reports every 15 minutes, 20 devices make a burst).
 */
const SEASON_REFRESH_MS = 60_000;

async function refresh(sectionIds: readonly string[]): Promise<void> {
  const response = await fetch(window.location.pathname, { credentials: 'same-origin' });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const id of sectionIds) {
    const next = fresh.getElementById(id);
    const current = document.getElementById(id);
    if (next !== null && current !== null) current.replaceWith(document.importNode(next, true));
  }
  const data = readData(fresh);
  if (data !== undefined && sectionIds.includes('season')) draw(data);
}

function followLive(data: FieldPageData): void {
  let seasonTimer: ReturnType<typeof setTimeout> | undefined;
  document.addEventListener(LIVE_EVENT, (e) => {
    const event = (e as CustomEvent<LiveEvent>).detail;
    if (event.type === 'prescription' && event.data.fieldId === data.fieldId)
      void refresh(['prescriptions', 'replies']);
    if (event.type === 'reading' && data.deviceIds.includes(event.data.deviceId)) {
      seasonTimer ??= setTimeout(() => {
        seasonTimer = undefined;
        void refresh(['season']);
      }, SEASON_REFRESH_MS);
    }
  });
}

const data = readData();
if (data !== undefined) {
  draw(data);
  followLive(data);
}
