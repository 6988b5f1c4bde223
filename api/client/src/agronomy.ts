import { drawChart } from './charts.js';
import './styles/agronomy.css';
import { pageData } from './page-data.js';

/**
 * The agronomy pages' script: draws each model version's calibration chart (from the page's
 * data; the server-rendered table inside each figure is the fallback) when its details open,
 * and follows a running training by asking its state until it ends, then reloads the page.
 */

interface CalibrationChartData {
  version: string;
  seasonFraction: number[];
  coverage: (number | null)[];
  modelRmseTHa: (number | null)[];
  fao33RmseTHa: (number | null)[];
  nominal: number;
}

interface PageData {
  charts?: CalibrationChartData[];
  labels?: Record<string, string>;
}

interface JobState {
  state: 'running' | 'done' | 'failed';
  seconds: number;
}

/** A training's state is asked this often: often enough to feel live, rare enough to be free. */
const POLL_MS = 2000;

const data = pageData<PageData>();
const labels = data.labels ?? {};
const label = (key: string) => labels[key] ?? key;
const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

function drawCalibration(figure: HTMLElement, chart: CalibrationChartData): void {
  drawChart(figure, {
    x: chart.seasonFraction.map((f) => Math.round(f * 100)),
    time: false,
    series: [
      { label: label('observed'), values: chart.coverage.map(percent), color: '#1b6e3a' },
      {
        label: label('nominal'),
        values: chart.seasonFraction.map(() => chart.nominal * 100),
        color: '#555555',
        dash: [6, 4],
      },
      {
        label: label('modelRmse'),
        values: chart.modelRmseTHa,
        color: '#1f4e9c',
        scale: 'y2',
        kind: 'points',
      },
      {
        label: label('fao33Rmse'),
        values: chart.fao33RmseTHa,
        color: '#a4460f',
        scale: 'y2',
        kind: 'points',
      },
    ],
    yRange: [0, 100],
    yLabel: label('coverageAxis'),
    y2Label: label('rmseAxis'),
    ariaLabel: label('chart').replace('{version}', chart.version),
    heightPx: 220,
  });
}

/** Draws a chart once its details element is open (a closed one has no width to draw in). */
function setUpCharts(): void {
  for (const chart of data.charts ?? []) {
    const figure = document.getElementById(`calibration-${chart.version}`);
    const details = figure?.closest('details.model-detail');
    if (!(figure instanceof HTMLElement) || !(details instanceof HTMLDetailsElement)) continue;
    let drawn = false;
    const draw = () => {
      if (drawn || !details.open) return;
      drawn = true;
      drawCalibration(figure, chart);
    };
    draw();
    details.addEventListener('toggle', draw);
  }
}

/** Follows the training shown on the page until it ends, then reloads to show its version. */
function followTraining(): void {
  const section = document.getElementById('training');
  const url = section?.dataset.statusUrl;
  if (section?.dataset.state !== 'running' || url === undefined) return;
  const text = document.getElementById('training-text');
  const reload = section.querySelector('a.reload');
  reload?.setAttribute('hidden', '');
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const job = (await response.json()) as JobState;
      if (job.state !== 'running') {
        location.reload();
        return;
      }
      if (text !== null)
        text.textContent = label('running').replace('{seconds}', String(job.seconds));
    } catch {
      // The box restarting or the network gone: the link lets the user try again by hand.
      reload?.removeAttribute('hidden');
      return;
    }
    setTimeout(() => void poll(), POLL_MS);
  };
  setTimeout(() => void poll(), POLL_MS);
}

setUpCharts();
followTraining();
