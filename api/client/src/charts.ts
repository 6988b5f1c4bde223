import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A small wrapper over uPlot shared by the dashboard's pages: line, bar and point series, bands
 * between two series, per-point styles (observed vs gap-filled), vertical markers (cloudy dates),
 * a width that follows its container (a phone is 360 px wide) and accessibility: the canvas is
 * `role="img"` with a label, and the server-rendered table inside the figure stays the fallback.
 */

/** How one point class is drawn (e.g. `observed` filled, `filled` hollow). */
export interface PointStyle {
  label: string;
  stroke: string;
  /** Fill of the marker; `null` draws it hollow (the page background shows through). */
  fill: string | null;
  sizePx?: number;
}

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /** `line` (default), `bars` (e.g. daily rain) or `points` (markers only). */
  kind?: 'line' | 'bars' | 'points';
  /** Which y axis: `y` (left, default) or `y2` (right). */
  scale?: 'y' | 'y2';
  dash?: number[];
  widthPx?: number;
  /**
   * One class per value (keys of `ChartOptions.pointStyles`): the series is drawn as its line
   * plus one marker series per class, so a reader tells observed points from gap-filled ones.
   */
  pointClasses?: readonly (string | null)[];
}

export interface ChartOptions {
  /** X values: seconds since the epoch when `time` (uPlot's time unit), else plain numbers. */
  x: readonly number[];
  time?: boolean;
  /**
   * The time zone the x axis is labelled in (IANA name). Default `Etc/UTC`: the pages send local
   * days as UTC midnights (`dayToSeconds`), which must not shift by the browser's own offset.
   */
  timeZone?: string;
  /** The data's step in x units (a day: 86,400 s): the axis never ticks finer than it. */
  xStepSeconds?: number;
  series: readonly ChartSeries[];
  /** Fill between two series, by index in `series` (upper, lower). */
  bands?: readonly { upper: number; lower: number; fill: string }[];
  pointStyles?: Readonly<Record<string, PointStyle>>;
  /** Vertical markers at these x values (e.g. cloudy scene dates), drawn as dashed lines. */
  markers?: readonly { x: number; color: string }[];
  yLabel?: string;
  y2Label?: string;
  /** Fixed y range, e.g. [0, 1] for NDVI; else uPlot fits the data. */
  yRange?: [number, number];
  /** What the chart shows, for screen readers (the table below carries the numbers). */
  ariaLabel: string;
  heightPx?: number;
}

const DEFAULT_HEIGHT_PX = 260;
const DAY_S = 86_400;
/** Tick spacings for daily data, days: a week to a season fits 4-8 labels at 360 px. */
const X_INCRS_DAYS = [1, 2, 7, 14, 28, 56, 91, 182, 365];
/** Below this a chart is unreadable; the table fallback is there for narrower screens. */
const MIN_WIDTH_PX = 280;

/** Series and data for uPlot from our series: point classes expand into one marker series each. */
function toUPlot(opts: ChartOptions): {
  series: uPlot.Series[];
  data: uPlot.AlignedData;
  /** uPlot's series index of each of our series (point classes shift them). */
  index: number[];
} {
  const series: uPlot.Series[] = [{}];
  const index: number[] = [];
  const data: (readonly (number | null)[])[] = [opts.x];
  const bars = uPlot.paths.bars?.({ size: [0.6, 24] });
  for (const s of opts.series) {
    const base: uPlot.Series = {
      label: s.label,
      stroke: s.color,
      width: s.widthPx ?? 2,
      scale: s.scale ?? 'y',
      spanGaps: s.kind !== 'bars',
      ...(s.dash === undefined ? {} : { dash: s.dash }),
    };
    index.push(series.length);
    if (s.kind === 'bars') {
      series.push({
        ...base,
        fill: s.color,
        points: { show: false },
        ...(bars ? { paths: bars } : {}),
      });
    } else if (s.kind === 'points') {
      series.push({ ...base, paths: () => null, points: { show: true, size: 6, fill: s.color } });
    } else {
      series.push({ ...base, points: { show: false } });
    }
    data.push(s.values);
    if (s.pointClasses === undefined) continue;
    for (const [cls, style] of Object.entries(opts.pointStyles ?? {})) {
      series.push({
        label: `${s.label}: ${style.label}`,
        stroke: style.stroke,
        scale: s.scale ?? 'y',
        paths: () => null,
        points: {
          show: true,
          size: style.sizePx ?? 7,
          width: 2,
          stroke: style.stroke,
          fill: style.fill ?? 'rgba(255,255,255,0.95)',
        },
      });
      data.push(s.values.map((v, i) => (s.pointClasses?.[i] === cls ? v : null)));
    }
  }
  return { series, data: data as unknown as uPlot.AlignedData, index };
}

/** Draws the markers as dashed vertical lines across the plot area. */
function markerHook(markers: ChartOptions['markers']) {
  return (u: uPlot) => {
    if (markers === undefined || markers.length === 0) return;
    const { ctx } = u;
    const { top, height } = u.bbox;
    ctx.save();
    ctx.lineWidth = uPlot.pxRatio;
    ctx.setLineDash([4 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
    for (const m of markers) {
      const left = Math.round(u.valToPos(m.x, 'x', true));
      ctx.strokeStyle = m.color;
      ctx.beginPath();
      ctx.moveTo(left, top);
      ctx.lineTo(left, top + height);
      ctx.stroke();
    }
    ctx.restore();
  };
}

function widthOf(el: HTMLElement): number {
  return Math.max(MIN_WIDTH_PX, Math.floor(el.clientWidth));
}

/**
 * Draws a chart into `figure` (a `<figure class="chart">`), before its table fallback. Returns the
 * uPlot instance; the chart resizes with the figure.
 */
export function drawChart(figure: HTMLElement, opts: ChartOptions): uPlot {
  const holder = document.createElement('div');
  holder.className = 'chart-canvas';
  holder.setAttribute('role', 'img');
  holder.setAttribute('aria-label', opts.ariaLabel);
  const fallback = figure.querySelector('details, table');
  figure.insertBefore(holder, fallback);
  const { series, data, index } = toUPlot(opts);
  const hasY2 = opts.series.some((s) => s.scale === 'y2');
  const step = opts.xStepSeconds;
  const axes: uPlot.Axis[] = [
    step === undefined
      ? {}
      : {
          incrs: X_INCRS_DAYS.map((d) => d * DAY_S).filter((i) => i >= step),
          // ISO month-day (the tables' dates), the same in every language and time zone.
          values: (_u, splits) => splits.map((v) => new Date(v * 1000).toISOString().slice(5, 10)),
        },
    { scale: 'y', ...(opts.yLabel === undefined ? {} : { label: opts.yLabel }) },
  ];
  if (hasY2)
    axes.push({
      scale: 'y2',
      side: 1,
      grid: { show: false },
      ...(opts.y2Label === undefined ? {} : { label: opts.y2Label }),
    });
  // One date alone (a field's first scene) would leave uPlot no span to lay its axis on: three
  // days either side of it.
  const pad = (opts.time ?? true) ? 3 * 86_400 : 1;
  const xRange: uPlot.Range.Function = (_u, min, max) =>
    min === max ? [min - pad, max + pad] : [min, max];
  const scales: uPlot.Scales = { x: { time: opts.time ?? true, range: xRange } };
  if (opts.yRange !== undefined) scales.y = { range: opts.yRange };
  if (hasY2) scales.y2 = { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] };
  const plot = new uPlot(
    {
      width: widthOf(figure),
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), opts.timeZone ?? 'Etc/UTC'),
      height: opts.heightPx ?? DEFAULT_HEIGHT_PX,
      series,
      axes,
      scales,
      bands: (opts.bands ?? []).map((b) => ({
        series: [index[b.upper] ?? 0, index[b.lower] ?? 0] as uPlot.Band.Bounds,
        fill: b.fill,
      })),
      hooks: { draw: [markerHook(opts.markers)] },
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
    },
    data,
    holder,
  );
  const resize = new ResizeObserver(() => {
    const width = widthOf(figure);
    if (width !== plot.width) plot.setSize({ width, height: plot.height });
  });
  resize.observe(figure);
  return plot;
}

/** `YYYY-MM-DD` (UTC) as uPlot's x: seconds since the epoch. */
export function dayToSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}
