import uPlot from 'uplot';
import { dayToSeconds, drawChart } from './charts.js';
import { pageData } from './page-data.js';
import './styles/forecast.css';

// The forecast page's charts, from the data the server rendered (the tables beside them are the
// same numbers, for no-script and screen readers): a field's yield band through its season, and
// the cooperative's production by crop with its P10-P90 range.

interface SeasonPoint {
  date: string;
  known: 'at-sowing' | 'season-to-date';
  p10: number | null;
  p50: number | null;
  p90: number | null;
  fao33THa: number | null;
}

interface ForecastPageData {
  labels: Record<
    | 'p10'
    | 'p50'
    | 'p90'
    | 'band'
    | 'fao33THa'
    | 'fao33T'
    | 'yieldAxis'
    | 'productionAxis'
    | 'sowing'
    | 'harvest'
    | 'productionChart'
    | 'knownAtSowing'
    | 'knownSeasonToDate',
    string
  >;
  asOfDate: string;
  fields: {
    id: string;
    name: string;
    plantingDate: string;
    harvestDate: string;
    chartLabel: string;
    season: SeasonPoint[];
  }[];
  crops: { crop: string; p10: number; p50: number; p90: number; fao33: number }[];
}

/** ColorBrewer's RdBu/PuOr ends: told apart with the common colour-vision deficiencies. */
const COLORS = {
  p50: '#2166ac',
  band: 'rgba(33, 102, 172, 0.18)',
  edge: 'rgba(33, 102, 172, 0.6)',
  fao33: '#b35806',
  sowing: '#1b7837',
  harvest: '#762a83',
};

const data = pageData<ForecastPageData>();

/**
 * One field's season: the P10-P90 band and P50 line at the dates forecast (weekly from sowing,
 * and today), FAO-33's estimate as points, and the sowing and expected harvest marked, so the
 * reader sees how far into the season the forecast stands.
 */
function drawSeason(figure: HTMLElement, field: ForecastPageData['fields'][number]) {
  figure.querySelector('.chart-canvas')?.remove();
  const { labels } = data;
  const days = [...new Set([...field.season.map((p) => p.date), field.harvestDate])].sort();
  const at = (day: string) => field.season.find((p) => p.date === day);
  const values = (pick: (p: SeasonPoint) => number | null) =>
    days.map((d) => {
      const p = at(d);
      return p === undefined ? null : pick(p);
    });
  const top = Math.max(1, ...field.season.flatMap((p) => [p.p90 ?? 0, p.fao33THa ?? 0]));
  drawChart(figure, {
    x: days.map(dayToSeconds),
    time: true,
    series: [
      { label: labels.p90, values: values((p) => p.p90), color: COLORS.edge, widthPx: 1 },
      { label: labels.p10, values: values((p) => p.p10), color: COLORS.edge, widthPx: 1 },
      {
        label: labels.p50,
        values: values((p) => p.p50),
        color: COLORS.p50,
        widthPx: 2,
        pointClasses: days.map((d) => at(d)?.known ?? null),
      },
      {
        label: labels.fao33THa,
        values: values((p) => p.fao33THa),
        color: COLORS.fao33,
        kind: 'points',
      },
    ],
    bands: [{ upper: 0, lower: 1, fill: COLORS.band }],
    pointStyles: {
      'at-sowing': { label: labels.knownAtSowing, stroke: COLORS.p50, fill: null },
      'season-to-date': { label: labels.knownSeasonToDate, stroke: COLORS.p50, fill: COLORS.p50 },
    },
    markers: [
      { x: dayToSeconds(field.plantingDate), color: COLORS.sowing },
      { x: dayToSeconds(field.harvestDate), color: COLORS.harvest },
    ],
    yLabel: labels.yieldAxis,
    // Yields from zero, so that bands compare by height; room above for FAO-33's Ym.
    yRange: [0, top * 1.15],
    ariaLabel: field.chartLabel,
  });
}

/** Whiskers from P10 to P90 over each crop's P50 bar (uPlot has bars, not error bars). */
function whiskers(u: uPlot) {
  const { ctx } = u;
  const cap = 6 * uPlot.pxRatio;
  ctx.save();
  ctx.strokeStyle = '#222';
  ctx.lineWidth = 1.5 * uPlot.pxRatio;
  data.crops.forEach((crop, i) => {
    const x = Math.round(u.valToPos(i, 'x', true));
    const low = Math.round(u.valToPos(crop.p10, 'y', true));
    const high = Math.round(u.valToPos(crop.p90, 'y', true));
    ctx.beginPath();
    ctx.moveTo(x, low);
    ctx.lineTo(x, high);
    ctx.moveTo(x - cap, low);
    ctx.lineTo(x + cap, low);
    ctx.moveTo(x - cap, high);
    ctx.lineTo(x + cap, high);
    ctx.stroke();
  });
  ctx.restore();
}

/** Production by crop: P50 bars with P10-P90 whiskers, FAO-33 as points beside them. */
function drawProduction(figure: HTMLElement) {
  const { labels, crops } = data;
  if (crops.length === 0) return;
  const holder = document.createElement('div');
  holder.className = 'chart-canvas';
  holder.setAttribute('role', 'img');
  holder.setAttribute('aria-label', labels.productionChart);
  figure.insertBefore(holder, figure.querySelector('details'));
  const top = Math.max(1, ...crops.map((c) => Math.max(c.p90, c.fao33))) * 1.1;
  const bars = uPlot.paths.bars?.({ size: [0.5, 64] });
  const plot = new uPlot(
    {
      width: Math.max(280, figure.clientWidth),
      height: 240,
      scales: { x: { time: false, range: [-0.6, crops.length - 0.4] }, y: { range: [0, top] } },
      axes: [
        {
          splits: () => crops.map((_, i) => i),
          values: (_u, splits) => splits.map((i) => crops[i]?.crop ?? ''),
          grid: { show: false },
        },
        { label: labels.productionAxis },
      ],
      series: [
        {},
        {
          label: `${labels.p50} (${labels.band})`,
          stroke: COLORS.p50,
          fill: COLORS.band,
          points: { show: false },
          ...(bars === undefined ? {} : { paths: bars }),
        },
        {
          label: labels.fao33T,
          stroke: COLORS.fao33,
          paths: () => null,
          points: { show: true, size: 9, fill: COLORS.fao33 },
        },
      ],
      hooks: { draw: [whiskers] },
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    },
    [crops.map((_, i) => i), crops.map((c) => c.p50), crops.map((c) => c.fao33)],
    holder,
  );
  new ResizeObserver(() => {
    const width = Math.max(280, figure.clientWidth);
    if (width !== plot.width) plot.setSize({ width, height: plot.height });
  }).observe(figure);
}

const production = document.getElementById('production-chart');
if (production !== null) drawProduction(production);

const season = document.getElementById('season-chart');
const picker = document.querySelector<HTMLSelectElement>('#season-field');
if (season !== null && picker !== null && data.fields.length > 0) {
  const show = () => {
    const field = data.fields.find((f) => f.id === picker.value) ?? data.fields[0]!;
    drawSeason(season, field);
  };
  // The picker only matters with the chart: without script, the table lists every field.
  picker.closest('label')?.removeAttribute('hidden');
  picker.addEventListener('change', show);
  show();
}
