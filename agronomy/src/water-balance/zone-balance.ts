import {
  round,
  type ComputationStep,
  type Field,
  type StoredReading,
  DAY_MS,
} from '@shamba/schemas';
import type { CropParameters } from '../crops/crop-parameters.js';
import {
  latestPerDevice,
  probeReadingStep,
  rootZoneWaterContent,
} from '../soil-moisture/root-zone.js';
import type { TimedAmount } from '../weather/daily-weather.js';
import { addDays, daysBetween, localDate } from '../weather/calendar-days.js';
import { cropDay, type CropDay } from './crop-coefficient.js';
import { stepWaterBalance } from './daily-balance.js';
import {
  adjustDepletionFraction,
  depletionFromWaterContent,
  totalAvailableWaterMm,
} from './soil-water.js';

/** Days whose ET0 stands in for a day without a complete record, and for today's and the forecast's. */
export const ET0_FILL_DAYS = 3;

export interface ZoneSpec {
  id: string;
  areaHa: number;
  nRichStrip: boolean;
  soil: Field['soil'];
  rootDepthM: number;
}

/** Where the balance of one zone stands at the end of a day. */
export interface ZoneState {
  drMm: number | null;
  source: 'sensor' | 'water-balance' | null;
  lastSensorDate: string | null;
}

export interface BalanceTraceDay {
  dateIso: string;
  etcMm: number;
  etaMm: number;
}

export interface BalanceInput {
  zone: ZoneSpec;
  crop: CropParameters;
  sowing: string;
  start: string;
  today: string;
  soil: readonly StoredReading[];
  et0ByDay: ReadonlyMap<string, number>;
  /** Rain and applied irrigation as they were reported, time-ordered. */
  rain: readonly TimedAmount[];
  irrigation: readonly TimedAmount[];
  asOfMs: number;
  utcOffsetMinutes: number;
}

/** The balance as it goes: where Dr stands, and what went into it since the last probe day. */
interface BalanceRun {
  state: ZoneState;
  /** Days balanced (half a day or more each) since the last probe day. */
  balanceDays: number;
  /** Days whose ET0 nearby days stood in for, since the last probe day. */
  filledDays: number;
  rainMm: number;
  irrigationMm: number;
  /** The day Dr was lost for want of weather, while no probe reading has found it again. */
  gap: string | null;
  /** The probe readings of the last probe day (the newest of each probe), and what they gave. */
  probeDay: { readings: StoredReading[]; rootDepthM: number; theta: number } | null;
  trace: BalanceTraceDay[];
}

/** The part of a day left to balance, (fromMs, toMs], from Dr at its start. */
interface DayPart {
  date: string;
  day: CropDay;
  et0Mm: number;
  drPreviousMm: number;
  fromMs: number;
  toMs: number;
}

/**
 * One zone's balance from `start` to today. Dr is unknown until sowing (when FAO-56 takes the
 * soil at field capacity after the pre-sowing rain or irrigation, Dr = 0) or the first day with a
 * probe reading; from then on FAO-56 eq. 85 carries it, and each probe day resets it (eq. 87).
 */
export function runBalance(b: BalanceInput): {
  final: ZoneState;
  steps: ComputationStep[];
  trace: BalanceTraceDay[];
} {
  const probesByDay = probeReadingsByDay(b);
  const run: BalanceRun = {
    state: { drMm: null, source: null, lastSensorDate: null },
    balanceDays: 0,
    filledDays: 0,
    rainMm: 0,
    irrigationMm: 0,
    gap: null,
    probeDay: null,
    trace: [],
  };
  for (let date = b.start; date <= b.today; date = addDays(date, 1)) {
    balanceDay(b, run, { date, probes: probesByDay.get(date) });
  }
  return { final: run.state, steps: depletionSteps(b, run), trace: run.trace };
}

/** The probe readings up to the moment asked, by local day. */
function probeReadingsByDay(b: BalanceInput): Map<string, StoredReading[]> {
  const byDay = new Map<string, StoredReading[]>();
  for (const r of b.soil) {
    if (r.timeMs > b.asOfMs) continue;
    const date = localDate(r.timeMs, b.utcOffsetMinutes);
    const list = byDay.get(date) ?? [];
    list.push(r);
    byDay.set(date, list);
  }
  return byDay;
}

/** One local day: reset Dr to the probes', start it at sowing, then balance what is left. */
function balanceDay(
  b: BalanceInput,
  run: BalanceRun,
  { date, probes }: { date: string; probes: readonly StoredReading[] | undefined },
): void {
  const { state } = run;
  const day = cropDay(b.crop, daysBetween(b.sowing, date), b.zone.rootDepthM);
  const dayStartMs = Date.parse(`${date}T00:00:00Z`) - b.utcOffsetMinutes * 60_000;
  const dayEndMs = Math.min(dayStartMs + DAY_MS, b.asOfMs);
  // The balance of a day runs from midnight, or from the newest probe reading of the day.
  const fromMs =
    resetToProbes(b.zone, run, { date, probes, rootDepthM: day.rootDepthM }) ?? dayStartMs;
  if (date === b.sowing && state.drMm === null) {
    state.drMm = 0;
    state.source = 'water-balance';
  }
  if (state.drMm === null || dayEndMs <= fromMs) return;
  const et0Mm = dayEt0(b.et0ByDay, run, date);
  if (et0Mm === undefined) return;
  balanceDayPart(b, run, { date, day, et0Mm, drPreviousMm: state.drMm, fromMs, toMs: dayEndMs });
}

/**
 * On a day with probe readings, Dr is what the probes measure (FAO-56 eq. 87) and the tallies
 * start again. The time of the newest reading, from which the day's balance runs, or null.
 */
function resetToProbes(
  zone: ZoneSpec,
  run: BalanceRun,
  probeDay: { date: string; probes: readonly StoredReading[] | undefined; rootDepthM: number },
): number | null {
  const { probes, rootDepthM } = probeDay;
  const latest = probes === undefined ? [] : latestPerDevice(probes);
  const water = latest.length === 0 ? null : rootZoneWaterContent(latest, rootDepthM);
  if (water === null) return null;
  run.state.drMm = depletionFromWaterContent({
    fieldCapacity: zone.soil.fieldCapacity,
    wiltingPoint: zone.soil.wiltingPoint,
    waterContent: water.theta,
    rootDepthM,
  });
  run.state.source = 'sensor';
  run.state.lastSensorDate = probeDay.date;
  run.probeDay = { readings: latest, rootDepthM, theta: water.theta };
  run.balanceDays = run.filledDays = run.rainMm = run.irrigationMm = 0;
  run.gap = null;
  return Math.max(...latest.map((r) => r.timeMs));
}

/**
 * The day's ET0: the station's, or for today and a day without a complete record the nearest
 * complete days'. Without any within ET0_FILL_DAYS, Dr becomes unknown and this is undefined.
 */
function dayEt0(
  et0ByDay: ReadonlyMap<string, number>,
  run: BalanceRun,
  date: string,
): number | undefined {
  const et0 = et0ByDay.get(date);
  if (et0 !== undefined) return et0;
  const nearby = nearbyMean(et0ByDay, date);
  if (nearby === undefined) {
    run.gap = date;
    run.state.drMm = null;
    run.state.source = null;
    return undefined;
  }
  run.filledDays++;
  return nearby;
}

/** FAO-56 eq. 85 over the part of the day left, with the rain and irrigation reported in it. */
function balanceDayPart(b: BalanceInput, run: BalanceRun, part: DayPart): void {
  const { zone, crop } = b;
  const { day, et0Mm, fromMs, toMs } = part;
  const taw = totalAvailableWaterMm(
    zone.soil.fieldCapacity,
    zone.soil.wiltingPoint,
    day.rootDepthM,
  );
  // Only the part of the day after `fromMs` (and before now) is left to account for.
  const share = (toMs - fromMs) / DAY_MS;
  const rain = sumBetween(b.rain, fromMs, toMs);
  const irrigation = sumBetween(b.irrigation, fromMs, toMs);
  const result = stepWaterBalance({
    drPreviousMm: Math.min(part.drPreviousMm, taw),
    et0Mm: et0Mm * share,
    kc: day.kc,
    rainMm: rain,
    irrigationMm: irrigation,
    tawMm: taw,
    depletionFraction: adjustDepletionFraction(crop.depletionFraction, day.kc * et0Mm),
  });
  const { state } = run;
  state.drMm = result.drMm;
  run.trace.push({ dateIso: part.date, etcMm: result.etcMm, etaMm: result.etcAdjMm });
  if (share >= 0.5 || state.source !== 'sensor') state.source = 'water-balance';
  run.balanceDays += share >= 0.5 ? 1 : 0;
  run.rainMm += rain;
  run.irrigationMm += irrigation;
}

/** The "Dr today" step: where Dr came from and what the balance added, or why it is unknown. */
function depletionSteps(b: BalanceInput, run: BalanceRun): ComputationStep[] {
  const { state } = run;
  if (state.drMm !== null) {
    const origin =
      state.lastSensorDate === null
        ? `Dr = 0 at sowing ${b.sowing} (FAO-56: soil at field capacity)`
        : `probes on ${state.lastSensorDate}`;
    return [
      ...probeSteps(run),
      {
        name: 'Dr today',
        formula:
          run.balanceDays === 0
            ? `${origin}, 1000 (theta_FC - theta_root) Zr`
            : `${origin}, then ${run.balanceDays} days of balance (rain ${round(run.rainMm, 1)} mm, ` +
              `irrigation ${round(run.irrigationMm, 1)} mm, ${run.filledDays} days' ET0 from nearby days)`,
        value: round(state.drMm, 1),
        unit: 'mm',
        source:
          state.source === 'sensor'
            ? 'FAO-56 eq. 87'
            : 'FAO-56 eq. 85 daily from sowing or the last probe day',
      },
    ];
  }
  if (run.gap === null) return [];
  return [
    {
      name: 'Dr today',
      formula: `unknown: no weather within ${ET0_FILL_DAYS} days of ${run.gap} and no probe reading since`,
      value: null,
      unit: 'mm',
      source: 'FAO-56 eq. 85',
    },
  ];
}

/** The last probe day's readings, each probe with its depths, and the root zone's theta. */
function probeSteps(run: BalanceRun): ComputationStep[] {
  const day = run.probeDay;
  if (day === null || run.state.lastSensorDate === null) return [];
  return [
    ...day.readings.map((r) => probeReadingStep(r, `soil probe on ${run.state.lastSensorDate}`)),
    {
      name: 'theta_root',
      formula: `mean of each layer over ${day.readings.length} probes, weighted by its share of Zr ${round(day.rootDepthM, 3)} m`,
      value: round(day.theta, 4),
      unit: 'm3/m3',
      source: 'sensor readings',
    },
  ];
}

/** Water reported in (fromMs, toMs]: each report covers the time since the one before it. */
function sumBetween(events: readonly TimedAmount[], fromMs: number, toMs: number): number {
  let sum = 0;
  for (const e of events) if (e.timeMs > fromMs && e.timeMs <= toMs) sum += e.mm;
  return sum;
}

function nearbyMean(et0ByDay: ReadonlyMap<string, number>, date: string): number | undefined {
  const near: number[] = [];
  for (let k = 1; k <= ET0_FILL_DAYS; k++) {
    for (const d of [addDays(date, -k), addDays(date, k)]) {
      const v = et0ByDay.get(d);
      if (v !== undefined) near.push(v);
    }
    if (near.length > 0) break;
  }
  return near.length === 0 ? undefined : near.reduce((s, v) => s + v, 0) / near.length;
}
